import type { IncomingMessage } from 'node:http';
import parseUrl from 'parseurl';
import {
  answerPreflight,
  applyCorsHeaders,
} from '../adapters/apply-cors-headers.js';
import { settle } from '../adapters/settle.js';
import {
  type EngineMiddleware,
  useEngineMiddleware,
} from '../internals/socket-io-server.js';
import { CorsGatewayPolicies } from './cors-gateway-policies.js';
import { gatewayServerKey } from '../internals/gateway-metadata.js';
import type { WebSocketAdapterClass } from './websocket-adapter-class.js';

/** Engine.IO's `allowRequest` server option. */
type AllowRequest = (
  req: IncomingMessage,
  callback: (error: string | null | undefined, success: boolean) => void,
) => void;

const policiesOf = new WeakMap<object, CorsGatewayPolicies>();

/**
 * Extends a Socket.IO adapter (`IoAdapter` of `@nestjs/platform-socket.io`, or a subclass of
 * it) so that each gateway's CORS policy governs its handshake: the CORS headers and
 * preflights of the polling transport, and which origins may open a connection at all.
 *
 * @example
 * const app = await NestFactory.create(AppModule);
 * app.useWebSocketAdapter(new (CorsIoAdapter(IoAdapter))(app));
 *
 * @publicApi
 */
export function CorsIoAdapter<T extends WebSocketAdapterClass>(Base: T) {
  return class CorsIoAdapter extends Base {
    /** `args[0]` is the application, as for `IoAdapter`. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...(args as unknown[]));
      policiesOf.set(this, CorsGatewayPolicies.of(args[0], 'CorsIoAdapter'));
    }

    override create(port: number, options: Record<string, unknown> = {}) {
      // A namespace of a server this adapter created (and set up) before.
      if (options.server) return super.create(port, options) as unknown;
      const policies = policiesOf.get(this)!;
      const key = gatewayServerKey(port, options.path);
      policies.serve(key, 'socket.io');
      const handshakes = new WeakMap<IncomingMessage, boolean>();
      const created = super.create(port, {
        ...options,
        allowRequest: refuseDenied(handshakes, options.allowRequest),
      }) as unknown;
      useEngineMiddleware(created, decideEach(policies, key, handshakes));
      return created;
    }
  };
}

/**
 * Decides for each request of the engine, before it is handled: answers a preflight, puts
 * the CORS headers on the response, and records whether a handshake is allowed.
 */
function decideEach(
  policies: CorsGatewayPolicies,
  key: string,
  handshakes: WeakMap<IncomingMessage, boolean>,
): EngineMiddleware {
  return (req, res, next) => {
    // A request with a session id continues a connection its handshake opened.
    const query = parseUrl(req)?.query;
    const handshake = !(
      typeof query === 'string' && new URLSearchParams(query).has('sid')
    );
    settle(policies.decide(key, req, handshake), next, (verdict) => {
      if (!verdict) return next();
      handshakes.set(req, verdict.allowed);
      const { cors } = verdict;
      if (cors && verdict.preflight) return answerPreflight(res, cors);
      if (cors) applyCorsHeaders(res, cors);
      next();
    });
  };
}

/** Refuses the handshakes the policies deny, then asks the gateway's own `allowRequest`. */
function refuseDenied(
  handshakes: WeakMap<IncomingMessage, boolean>,
  own: unknown,
): AllowRequest {
  return (req, callback) => {
    if (handshakes.get(req) === false)
      return callback('origin not allowed', false);
    if (typeof own === 'function') return (own as AllowRequest)(req, callback);
    callback(null, true);
  };
}
