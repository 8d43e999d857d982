import type { IncomingMessage } from 'node:http';
import { settle } from '../adapters/settle.js';
import { CorsGatewayPolicies } from './cors-gateway-policies.js';
import { gatewayServerKey } from '../internals/gateway-metadata.js';
import type { WebSocketAdapterClass } from './websocket-adapter-class.js';

/** The first argument of `ws`'s `verifyClient` server option. */
interface VerifyInfo {
  origin: string;
  secure: boolean;
  req: IncomingMessage;
}

/** Its callback: `false` with a status refuses the upgrade with that status. */
type VerifyCallback = (result: boolean, code?: number) => void;

/** `ws`'s `verifyClient`, in its asynchronous form (two parameters). */
type VerifyClient = (info: VerifyInfo, callback: VerifyCallback) => void;

const policiesOf = new WeakMap<object, CorsGatewayPolicies>();

/**
 * Extends a `ws` adapter (`WsAdapter` of `@nestjs/platform-ws`, or a subclass of it) so that
 * each gateway's CORS policy decides which origins may open a connection: an upgrade from
 * any other is refused with 403.
 *
 * @example
 * const app = await NestFactory.create(AppModule);
 * app.useWebSocketAdapter(new (CorsWsAdapter(WsAdapter))(app));
 *
 * @publicApi
 */
export function CorsWsAdapter<T extends WebSocketAdapterClass>(Base: T) {
  return class CorsWsAdapter extends Base {
    /** `args[0]` is the application, as for `WsAdapter`. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...(args as unknown[]));
      policiesOf.set(this, CorsGatewayPolicies.of(args[0], 'CorsWsAdapter'));
    }

    override create(port: number, options: Record<string, unknown> = {}) {
      const policies = policiesOf.get(this)!;
      const key = gatewayServerKey(port, options.path);
      policies.serve(key, 'ws');
      return super.create(port, {
        ...options,
        verifyClient: refuseDenied(policies, key, options.verifyClient),
      }) as unknown;
    }
  };
}

/** Refuses the upgrades the policies deny, then asks the gateway's own `verifyClient`. */
function refuseDenied(
  policies: CorsGatewayPolicies,
  key: string,
  own: unknown,
): VerifyClient {
  return (info, callback) =>
    settle(
      policies.decide(key, info.req, true),
      () => callback(false, 500),
      (verdict) => {
        if (verdict && !verdict.allowed) return callback(false, 403);
        if (typeof own !== 'function') return callback(true);
        if (own.length >= 2) return (own as VerifyClient)(info, callback);
        callback(Boolean((own as (info: VerifyInfo) => unknown)(info)));
      },
    );
}
