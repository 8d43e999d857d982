import {
  type INestApplicationContext,
  Injectable,
  Logger,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { configError, type CorsConfigIssue } from '../../core/config-issue.js';
import parseUrl from 'parseurl';
import { CORS_POLICY_METADATA } from '../cors.constants.js';
import type { CorsVerdict } from '../cors-context.js';
import { type CorsDecider, CorsDeciders } from '../cors-decider.js';
import type { CorsPolicyMetadata } from '../cors-policy.decorator.js';
import { CorsPolicyRegistry } from '../cors-policy-registry.js';
import { toCorsRequest } from '../cors-request.js';
import { shownOrigin } from '../escape-for-header.js';
import type { CorsRequest } from '../../core/cors-policy-options.js';
import type { PolicySource } from '../policy-source.js';
import {
  type GatewayAddress,
  gatewayAddressOf,
  gatewayServerKey,
} from '../internals/gateway-metadata.js';
import { isSameOrigin } from './same-origin.js';

/** The WebSocket libraries the module's adapters apply policies on. */
export type GatewayTransport = 'socket.io' | 'ws';

/** What the module answers a request to the server of some gateways. */
export interface GatewayVerdict {
  /** Whether the handshake may go on. */
  allowed: boolean;
  /** Whether the request is a CORS preflight (of Socket.IO's polling transport). */
  preflight: boolean;
  /** The CORS headers of an HTTP answer (Socket.IO's polling transport); `undefined`: none. */
  cors: CorsVerdict;
}

/** The gateways Nest serves from one server, and their policies. */
interface GatewayServer {
  /** `ChatGateway | NewsGateway`, for the debug log. */
  names: string;
  /** Their policies, each once; none where the module stays out. */
  sources: PolicySource[];
  /** Decides from `sources`. */
  decider: CorsDecider;
}

interface Gateway {
  metatype: Type;
  name: string;
  address: GatewayAddress;
  source: PolicySource | undefined;
}

/** Refused: a request that came before the policies were resolved. */
const NOT_READY: GatewayVerdict = {
  allowed: false,
  preflight: false,
  cors: undefined,
};
/** A page of the server's own host: it needs no CORS headers. */
const SAME_ORIGIN: GatewayVerdict = {
  allowed: true,
  preflight: false,
  cors: undefined,
};

/**
 * The policies of WebSocket gateways (`@CorsPolicy()` on a `@WebSocketGateway()` class, or
 * the module default), by the server Nest creates for them, and the decisions on their
 * handshakes. The module's WebSocket adapters ask it.
 */
@Injectable()
export class CorsGatewayPolicies implements OnModuleInit {
  private readonly logger = new Logger('CorsModule');
  /** The servers the module's adapters created, by key, and their library. */
  private readonly served = new Map<string, GatewayTransport>();
  private servers: Map<string, GatewayServer> | undefined;
  private readonly found: CorsConfigIssue[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly registry: CorsPolicyRegistry,
    private readonly deciders: CorsDeciders,
  ) {}

  /** The instance of the application `app`, for an adapter constructed with it. */
  static of(app: unknown, adapter: string): CorsGatewayPolicies {
    const context = app as Partial<INestApplicationContext> | undefined;
    if (typeof context?.get !== 'function') {
      throw new TypeError(
        `${adapter} needs the application, to find its CORS policies: new Adapter(app)`,
      );
    }
    try {
      return context.get(CorsGatewayPolicies, { strict: false });
    } catch {
      throw new Error(
        `${adapter} applies the policies of CorsModule, which this application does not import: add CorsModule.forRoot(...) to its imports`,
      );
    }
  }

  /** What keeps the policies of gateways from being applied, found by `onModuleInit()`. */
  get issues(): readonly CorsConfigIssue[] {
    return this.found;
  }

  /** Records that a module's adapter serves the gateways at `key`, with `transport`. */
  serve(key: string, transport: GatewayTransport): void {
    this.served.set(key, transport);
  }

  /**
   * Resolves the policy of each gateway, once the module has loaded its policies and Nest has
   * created the gateways' servers, and reports what keeps one from being applied.
   */
  onModuleInit(): void {
    const byServer = new Map<string, Gateway[]>();
    for (const { metatype, isNotMetatype } of this.discovery.getProviders()) {
      if (isNotMetatype || typeof metatype !== 'function') continue;
      const address = gatewayAddressOf(metatype as Type);
      if (!address) continue;
      const key = gatewayServerKey(address.port, address.path);
      const gateways = byServer.get(key) ?? [];
      byServer.set(key, gateways);
      // A gateway provided by several modules runs once per module, on the same server.
      if (gateways.some((gateway) => gateway.metatype === metatype)) continue;
      const { name } = metatype;
      const metadata = this.reflector.get<CorsPolicyMetadata | undefined>(
        CORS_POLICY_METADATA,
        metatype,
      );
      const source = this.registry.forRoute(metadata, name, `${name} (inline)`);
      gateways.push({ metatype: metatype as Type, name, address, source });
      this.logger.verbose(`${name} (gateway) → ${source?.name ?? 'no CORS'}`);
    }
    this.servers = new Map();
    for (const [key, gateways] of byServer) {
      const sources = [
        ...new Set(gateways.flatMap(({ source }) => source ?? [])),
      ];
      const names = gateways.map(({ name }) => name).join(' | ');
      this.servers.set(key, {
        names,
        sources,
        decider: this.deciders.of(names, sources),
      });
      if (sources.length > 0) this.check(gateways, this.served.get(key));
    }
  }

  /**
   * Decides for a request to the server at `key`: `undefined` where the module stays out.
   * A request without `Origin` (not from a browser) and a page of the server's own host may
   * go on; any other, only where every policy of the server allows an actual request from
   * its origin. `handshake`: the request opens a connection, for the debug log.
   */
  decide(
    key: string,
    req: IncomingMessage,
    handshake: boolean,
  ): GatewayVerdict | undefined | Promise<GatewayVerdict> {
    // A gateway on a port of its own listens before the application has finished starting.
    if (!this.servers) return this.notReady();
    const server = this.servers.get(key);
    if (!server?.sources.length) return undefined;
    const { headers } = req;
    if (isSameOrigin(req)) return SAME_ORIGIN;
    const request = toCorsRequest(
      req.method ?? 'GET',
      parseUrl(req)?.pathname ?? '/',
      headers,
      req,
    );
    const { preflight } = request;
    const opening = handshake && !preflight;
    const finish = (cors: CorsVerdict): GatewayVerdict => {
      if (headers.origin === undefined)
        return { allowed: true, preflight, cors };
      if (!cors && opening) this.logNoCors(server, request);
      return { allowed: cors?.allowed === true, preflight, cors };
    };
    const verdict = server.decider.decide({
      request,
      ownMethod: false,
      kind: opening ? 'WebSocket handshake' : undefined,
    });
    return verdict instanceof Promise ? verdict.then(finish) : finish(verdict);
  }

  /** Reports what keeps the policies of the gateways of one server from being applied. */
  private check(
    gateways: Gateway[],
    transport: GatewayTransport | undefined,
  ): void {
    const governed = gateways.filter(({ source }) => source);
    const names = governed.map(({ name }) => name).join(', ');
    for (const { name, address, source } of gateways) {
      if (!source) {
        this.report(
          'gateway_shares_server',
          name,
          'policy',
          `it shares its WebSocket server (${describeAddress(address)}) with ${names}, governed by a CORS policy, and a handshake reaches every gateway of its server: give ${name} a policy too, or its own port or path`,
        );
      }
    }
    for (const { name, address, source } of governed) {
      if (!transport) {
        this.report(
          'missing_adapter',
          name,
          'adapter',
          `its CORS policy ${JSON.stringify(source!.name)} needs the WebSocket adapter of the module: call app.useWebSocketAdapter(new (CorsIoAdapter(IoAdapter))(app)), or CorsWsAdapter(WsAdapter) for ws, before app.init(); or set @CorsPolicy(false) on ${name}`,
        );
      } else if (transport === 'socket.io' && address.options.cors) {
        this.report(
          'conflicting_option',
          name,
          'cors',
          `@WebSocketGateway({ cors }) would answer the Socket.IO handshake's CORS instead of its CORS policy ${JSON.stringify(source!.name)}: remove the cors option`,
        );
      }
    }
  }

  private report(...issue: Parameters<typeof configError>): void {
    this.found.push(configError(...issue));
  }

  private notReady(): GatewayVerdict {
    this.logger.debug(
      'CORS WebSocket handshake denied: the application has not finished starting, and the policies of its gateways are not known yet',
    );
    return NOT_READY;
  }

  /** A provider that answered no CORS for this origin: the handshake is refused. */
  private logNoCors(server: GatewayServer, request: CorsRequest): void {
    const policies = server.sources.map(({ name }) => JSON.stringify(name));
    this.logger.debug(
      `CORS WebSocket handshake denied on ${server.names} by policy ${policies.join(' & ')}: ${shownOrigin(request)}, the policy gives this origin no CORS`,
    );
  }
}

/** `the application's port, path /chat`, as Nest serves a gateway. */
function describeAddress({ port, path }: GatewayAddress): string {
  const where = port === 0 ? "the application's port" : `port ${port}`;
  return path === undefined ? where : `${where}, path ${path}`;
}
