import {
  type INestApplication,
  Injectable,
  Module,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import {
  MessageBody,
  type OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import {
  CorsIoAdapter,
  CorsModule,
  CorsPolicy,
  type CorsPolicyOptions,
  type CorsPolicyProvider,
  CorsWsAdapter,
} from '../../src/index.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { corsHeaders } from '../support/answers.js';
import { http } from '../support/requests.js';
import {
  type AdapterName,
  ADAPTERS,
  createTestApp,
} from '../support/test-app.js';
import { freePort } from '../support/free-port.js';

const APP = 'https://app.example.com';
const PARTNER = 'https://partner.example.org';
const TENANT = 'https://tenant.example.net';
const EVIL = 'https://evil.example.net';

/** The gateways that accepted a connection, in order. */
const connections: string[] = [];

/** Answers `echo` with the same data; records each connection it accepts. */
class EchoGateway implements OnGatewayConnection {
  handleConnection(): void {
    connections.push(this.constructor.name);
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return { event: 'echo', data };
  }
}

@WebSocketGateway()
class ChatGateway extends EchoGateway {}

@WebSocketGateway({ path: '/partners' })
@CorsPolicy('partners')
class PartnersGateway extends EchoGateway {}

@Injectable()
class TenantPolicy implements CorsPolicyProvider {
  static policy: CorsPolicyOptions | false = { origin: [TENANT] };
  async getPolicy(): Promise<CorsPolicyOptions | false> {
    return TenantPolicy.policy;
  }
}

@WebSocketGateway({ path: '/tenants' })
@CorsPolicy(TenantPolicy)
class TenantsGateway extends EchoGateway {}

@WebSocketGateway({ path: '/open' })
@CorsPolicy(false)
class OpenGateway extends EchoGateway {}

/** A gateway with its own check: a handshake needs `X-Key: ok` (ws and Socket.IO options). */
@WebSocketGateway({
  path: '/keyed',
  verifyClient: ({ req }: { req: IncomingMessage }) =>
    req.headers['x-key'] === 'ok',
  allowRequest: (
    req: IncomingMessage,
    callback: (error: string | null, success: boolean) => void,
  ) => callback(null, req.headers['x-key'] === 'ok'),
})
class KeyedGateway extends EchoGateway {}

const corsOptions = {
  default: { origin: [APP], credentials: true },
  policies: { partners: { origin: [PARTNER] } },
};

const TRANSPORTS = {
  'socket.io': { plain: IoAdapter, cors: CorsIoAdapter(IoAdapter) },
  ws: { plain: WsAdapter, cors: CorsWsAdapter(WsAdapter) },
} as const;
type Transport = keyof typeof TRANSPORTS;

interface GatewayApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  url: string;
  logger: RecordingLogger;
}

/** An app with `gateways` on the module's (or the plain) adapter, listening on a free port. */
async function startGateways(
  adapter: AdapterName,
  transport: Transport,
  gateways: Type[],
  { plain = false } = {},
): Promise<GatewayApp> {
  const logger = new RecordingLogger();
  const app = await createTestApp({
    adapter,
    cors: CorsModule.forRoot(corsOptions),
    providers: [TenantPolicy, ...gateways],
    appOptions: { logger },
    configure: (app) => {
      const { [plain ? 'plain' : 'cors']: Adapter } = TRANSPORTS[transport];
      app.useWebSocketAdapter(new Adapter(app));
    },
    listen: true,
  });
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, logger };
}

type Outcome = { outcome: 'connected'; echo: unknown } | { outcome: 'refused' };

interface Client {
  /** The gateway's path; the default path of the library when omitted. */
  path?: string;
  origin?: string;
  headers?: Record<string, string>;
}

/**
 * Connects with socket.io-client over one transport, sends `echo`, and resolves to what came
 * back, or to `refused` on `connect_error`.
 */
async function socketIo(
  url: string,
  transport: 'polling' | 'websocket',
  { path = '/socket.io', origin, headers }: Client,
  namespace = '',
): Promise<Outcome> {
  const socket = io(`${url}${namespace}`, {
    path,
    transports: [transport],
    extraHeaders: { ...headers, ...(origin && { Origin: origin }) },
    reconnection: false,
    forceNew: true,
  });
  try {
    return await new Promise<Outcome>((resolve) => {
      socket.on('connect', () => socket.emit('echo', 'hello'));
      socket.on('echo', (echo: unknown) =>
        resolve({ outcome: 'connected', echo }),
      );
      socket.on('connect_error', () => resolve({ outcome: 'refused' }));
    });
  } finally {
    socket.close();
  }
}

/** Connects with `ws`, sends `echo`, and resolves to what came back or to the refusal's status. */
async function plainWs(
  url: string,
  { path = '/', origin, headers }: Client,
): Promise<Outcome | { outcome: 'refused'; status: number }> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}${path}`, {
    origin,
    headers,
  });
  try {
    return await new Promise((resolve, reject) => {
      socket.on('open', () =>
        socket.send(JSON.stringify({ event: 'echo', data: 'hello' })),
      );
      socket.on('message', (data: Buffer) =>
        resolve({
          outcome: 'connected',
          echo: (JSON.parse(data.toString()) as { data: unknown }).data,
        }),
      );
      socket.on('unexpected-response', (req, res) => {
        resolve({ outcome: 'refused', status: res.statusCode! });
        req.destroy();
      });
      socket.on('error', reject);
    });
  } finally {
    socket.terminate();
  }
}

const CONNECTED = { outcome: 'connected', echo: 'hello' };

/** The Socket.IO handshake of the polling transport, as a browser's first request. */
const pollingHandshake = (app: INestApplication, path: string) =>
  http(app).get(`${path}/?EIO=4&transport=polling`);

describe.each(ADAPTERS)('gateways on Socket.IO (%s)', (adapter) => {
  let gateways: GatewayApp;
  beforeAll(
    async () =>
      (gateways = await startGateways(adapter, 'socket.io', [
        ChatGateway,
        PartnersGateway,
        TenantsGateway,
        OpenGateway,
        KeyedGateway,
      ])),
  );
  afterAll(() => gateways.app.close());
  beforeEach(() => {
    connections.length = 0;
    gateways.logger.lines.length = 0;
    TenantPolicy.policy = { origin: [TENANT] };
  });
  const connect = (
    transport: 'polling' | 'websocket',
    client: Client,
    namespace?: string,
  ) => socketIo(gateways.url, transport, client, namespace);

  it('lets an origin of the default policy connect and exchange messages, over polling and WebSocket', async () => {
    expect(await connect('polling', { origin: APP })).toEqual(CONNECTED);
    expect(await connect('websocket', { origin: APP })).toEqual(CONNECTED);
    expect(connections).toEqual(['ChatGateway', 'ChatGateway']);
  });

  it("refuses another origin's handshake on both transports, and logs it at debug level", async () => {
    expect(await connect('polling', { origin: EVIL })).toEqual({
      outcome: 'refused',
    });
    expect(await connect('websocket', { origin: EVIL })).toEqual({
      outcome: 'refused',
    });
    expect(connections).toEqual([]);
    const denial = `debug CORS WebSocket handshake denied on ChatGateway by policy "default": origin "${EVIL}", origin not allowed (origin_not_allowed)`;
    expect(gateways.logger.lines).toEqual([denial, denial]);
  });

  it("lets a client without Origin (no browser) connect, and a page of the server's own host", async () => {
    expect(await connect('websocket', {})).toEqual(CONNECTED);
    expect(await connect('polling', { origin: gateways.url })).toEqual(
      CONNECTED,
    );
    expect(connections).toEqual(['ChatGateway', 'ChatGateway']);
  });

  it("puts the policy's CORS headers on the polling transport: credentials only where the policy has them", async () => {
    const app = await pollingHandshake(gateways.app, '/socket.io').set(
      'Origin',
      APP,
    );
    expect([app.status, corsHeaders(app.headers)]).toEqual([
      200,
      {
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
      },
    ]);
    expect(app.headers.vary).toBe('Origin');
    const partner = await pollingHandshake(gateways.app, '/partners').set(
      'Origin',
      PARTNER,
    );
    expect([partner.status, corsHeaders(partner.headers)]).toEqual([
      200,
      { 'access-control-allow-origin': PARTNER },
    ]);
    const evil = await pollingHandshake(gateways.app, '/socket.io').set(
      'Origin',
      EVIL,
    );
    expect([evil.status, corsHeaders(evil.headers)]).toEqual([403, {}]);
  });

  it("answers the polling transport's preflights from the policy", async () => {
    const preflight = (origin: string) =>
      http(gateways.app).options('/socket.io/?EIO=4&transport=polling').set({
        Origin: origin,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'x-token',
      });
    const allowed = await preflight(APP);
    expect([allowed.status, corsHeaders(allowed.headers)]).toEqual([
      204,
      {
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
        'access-control-allow-headers': 'x-token',
      },
    ]);
    const denied = await preflight(EVIL);
    expect([denied.status, corsHeaders(denied.headers)]).toEqual([403, {}]);
  });

  it('applies a named policy and a provider policy to their gateways', async () => {
    const partners = { path: '/partners' };
    expect(await connect('polling', { ...partners, origin: PARTNER })).toEqual(
      CONNECTED,
    );
    expect(await connect('websocket', { ...partners, origin: APP })).toEqual({
      outcome: 'refused',
    });
    const tenants = { path: '/tenants' };
    expect(await connect('websocket', { ...tenants, origin: TENANT })).toEqual(
      CONNECTED,
    );
    TenantPolicy.policy = { origin: [APP] };
    expect(await connect('websocket', { ...tenants, origin: TENANT })).toEqual({
      outcome: 'refused',
    });
    TenantPolicy.policy = false;
    expect(await connect('polling', { ...tenants, origin: TENANT })).toEqual({
      outcome: 'refused',
    });
    expect(connections).toEqual(['PartnersGateway', 'TenantsGateway']);
    expect(gateways.logger.lines).toEqual([
      `debug CORS WebSocket handshake denied on PartnersGateway by policy "partners": origin "${APP}", origin not allowed (origin_not_allowed)`,
      `debug CORS WebSocket handshake denied on TenantsGateway by policy "TenantPolicy": origin "${TENANT}", origin not allowed (origin_not_allowed)`,
      `debug CORS WebSocket handshake denied on TenantsGateway by policy "TenantPolicy": origin "${TENANT}", the policy gives this origin no CORS`,
    ]);
  });

  it('leaves a gateway with @CorsPolicy(false) to the adapter: any origin connects, with no CORS headers', async () => {
    expect(await connect('websocket', { path: '/open', origin: EVIL })).toEqual(
      CONNECTED,
    );
    const polling = await pollingHandshake(gateways.app, '/open').set(
      'Origin',
      EVIL,
    );
    expect([polling.status, corsHeaders(polling.headers)]).toEqual([200, {}]);
    expect(connections).toEqual(['OpenGateway']);
  });

  it("asks the gateway's own allowRequest once the policy allows the origin", async () => {
    const keyed = { path: '/keyed', headers: { 'X-Key': 'ok' } };
    expect(await connect('websocket', { ...keyed, origin: APP })).toEqual(
      CONNECTED,
    );
    expect(
      await connect('websocket', { ...keyed, headers: {}, origin: APP }),
    ).toEqual({ outcome: 'refused' });
    expect(await connect('websocket', { ...keyed, origin: EVIL })).toEqual({
      outcome: 'refused',
    });
    expect(connections).toEqual(['KeyedGateway']);
  });

  it('gives the namespaces of one server the policies of all, since a handshake reaches each of them, and lists them at start-up', async () => {
    @WebSocketGateway({ namespace: 'a' })
    class NamespaceAGateway extends EchoGateway {}
    @WebSocketGateway({ namespace: 'b' })
    @CorsPolicy({ origin: [APP, PARTNER] })
    class NamespaceBGateway extends EchoGateway {}
    const shared = await startGateways(adapter, 'socket.io', [
      NamespaceAGateway,
      NamespaceBGateway,
    ]);
    try {
      const on = (namespace: string, origin: string) =>
        socketIo(shared.url, 'websocket', { origin }, namespace);
      expect(await on('/a', APP)).toEqual(CONNECTED);
      expect(await on('/b', APP)).toEqual(CONNECTED);
      expect(await on('/b', PARTNER)).toEqual({ outcome: 'refused' });
      expect(connections).toEqual(['NamespaceAGateway', 'NamespaceBGateway']);
      const { lines } = shared.logger;
      expect(lines).toEqual(
        expect.arrayContaining([
          'verbose NamespaceAGateway (gateway) → default',
          'verbose NamespaceBGateway (gateway) → NamespaceBGateway (inline)',
        ]),
      );
      expect(lines.filter((line) => line.startsWith('debug'))).toEqual([
        `debug CORS WebSocket handshake denied on NamespaceAGateway | NamespaceBGateway by policy "default & NamespaceBGateway (inline)": origin "${PARTNER}", origin not allowed (origin_not_allowed)`,
      ]);
    } finally {
      await shared.app.close();
    }
  });
});

describe.each(ADAPTERS)('gateways on ws (%s)', (adapter) => {
  let gateways: GatewayApp;
  beforeAll(
    async () =>
      (gateways = await startGateways(adapter, 'ws', [
        ChatGateway,
        PartnersGateway,
        TenantsGateway,
        OpenGateway,
        KeyedGateway,
      ])),
  );
  afterAll(() => gateways.app.close());
  beforeEach(() => {
    connections.length = 0;
    gateways.logger.lines.length = 0;
    TenantPolicy.policy = { origin: [TENANT] };
  });
  const connect = (client: Client) => plainWs(gateways.url, client);

  it('lets an origin of the default policy connect and exchange messages', async () => {
    expect(await connect({ origin: APP })).toEqual(CONNECTED);
    expect(connections).toEqual(['ChatGateway']);
  });

  it("refuses another origin's upgrade with 403, and logs it at debug level", async () => {
    expect(await connect({ origin: EVIL })).toEqual({
      outcome: 'refused',
      status: 403,
    });
    expect(connections).toEqual([]);
    expect(gateways.logger.lines).toEqual([
      `debug CORS WebSocket handshake denied on ChatGateway by policy "default": origin "${EVIL}", origin not allowed (origin_not_allowed)`,
    ]);
  });

  it("lets a client without Origin (no browser) connect, and a page of the server's own host", async () => {
    expect(await connect({})).toEqual(CONNECTED);
    expect(await connect({ origin: gateways.url })).toEqual(CONNECTED);
    expect(connections).toEqual(['ChatGateway', 'ChatGateway']);
  });

  it('applies a named policy and a provider policy to their gateways', async () => {
    expect(await connect({ path: '/partners', origin: PARTNER })).toEqual(
      CONNECTED,
    );
    expect(await connect({ path: '/partners', origin: APP })).toEqual({
      outcome: 'refused',
      status: 403,
    });
    expect(await connect({ path: '/tenants', origin: TENANT })).toEqual(
      CONNECTED,
    );
    TenantPolicy.policy = { origin: [APP] };
    expect(await connect({ path: '/tenants', origin: TENANT })).toEqual({
      outcome: 'refused',
      status: 403,
    });
    TenantPolicy.policy = false;
    expect(await connect({ path: '/tenants', origin: TENANT })).toEqual({
      outcome: 'refused',
      status: 403,
    });
    expect(connections).toEqual(['PartnersGateway', 'TenantsGateway']);
    expect(gateways.logger.lines).toEqual([
      `debug CORS WebSocket handshake denied on PartnersGateway by policy "partners": origin "${APP}", origin not allowed (origin_not_allowed)`,
      `debug CORS WebSocket handshake denied on TenantsGateway by policy "TenantPolicy": origin "${TENANT}", origin not allowed (origin_not_allowed)`,
      `debug CORS WebSocket handshake denied on TenantsGateway by policy "TenantPolicy": origin "${TENANT}", the policy gives this origin no CORS`,
    ]);
  });

  it('leaves a gateway with @CorsPolicy(false) to the adapter: any origin connects', async () => {
    expect(await connect({ path: '/open', origin: EVIL })).toEqual(CONNECTED);
    expect(connections).toEqual(['OpenGateway']);
  });

  it("asks the gateway's own verifyClient once the policy allows the origin", async () => {
    const keyed = { path: '/keyed', headers: { 'X-Key': 'ok' } };
    expect(await connect({ ...keyed, origin: APP })).toEqual(CONNECTED);
    expect(await connect({ ...keyed, headers: {}, origin: APP })).toEqual({
      outcome: 'refused',
      status: 401,
    });
    expect(await connect({ ...keyed, origin: EVIL })).toEqual({
      outcome: 'refused',
      status: 403,
    });
    expect(connections).toEqual(['KeyedGateway']);
  });
});

describe.each(ADAPTERS)(
  'gateways while the application starts (%s)',
  (adapter) => {
    it.each(Object.keys(TRANSPORTS) as Transport[])(
      'refuses handshakes to a gateway on its own port until its policy is known (%s)',
      async (transport) => {
        connections.length = 0;
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        const handshake = () =>
          transport === 'ws'
            ? plainWs(url, { origin: APP })
            : socketIo(url, 'websocket', { origin: APP });
        @WebSocketGateway(port)
        class OwnPortGateway extends EchoGateway {}
        const early: unknown[] = [];
        /** Its module is imported deeper than CorsModule: Nest initialises it first. */
        @Injectable()
        class EarlyClient implements OnModuleInit {
          async onModuleInit() {
            early.push(await handshake());
          }
        }
        @Module({ providers: [EarlyClient] })
        class DeepModule {}
        @Module({ imports: [DeepModule] })
        class ClientModule {}
        const logger = new RecordingLogger();
        const app = await createTestApp({
          adapter,
          cors: CorsModule.forRoot(corsOptions),
          imports: [ClientModule],
          providers: [OwnPortGateway],
          appOptions: { logger },
          configure: (app) =>
            app.useWebSocketAdapter(new TRANSPORTS[transport].cors(app)),
        });
        try {
          expect(early).toEqual([
            transport === 'ws'
              ? { outcome: 'refused', status: 403 }
              : { outcome: 'refused' },
          ]);
          expect(logger.lines).toContain(
            'debug CORS WebSocket handshake denied: the application has not finished starting, and the policies of its gateways are not known yet',
          );
          expect(await handshake()).toEqual(CONNECTED);
          expect(connections).toEqual(['OwnPortGateway']);
        } finally {
          await app.close();
        }
      },
    );
  },
);

describe.each(ADAPTERS)('gateway configuration errors (%s)', (adapter) => {
  const bootstrap = (
    transport: Transport,
    gateways: Type[],
    options: { plain?: boolean } = {},
  ) =>
    startGateways(adapter, transport, gateways, options).then(({ app }) =>
      app.close(),
    );

  it.each(Object.keys(TRANSPORTS) as Transport[])(
    'fails at bootstrap when a policy cannot be applied (%s)',
    async (transport) => {
      await expect(
        bootstrap(transport, [ChatGateway], { plain: true }),
      ).rejects.toThrow(
        `ChatGateway › adapter: its CORS policy "default" needs the WebSocket adapter of the module`,
      );
      @WebSocketGateway()
      @CorsPolicy(false)
      class SharingGateway extends EchoGateway {}
      await expect(
        bootstrap(transport, [ChatGateway, SharingGateway]),
      ).rejects.toThrow(
        "SharingGateway › policy: it shares its WebSocket server (the application's port) with ChatGateway, governed by a CORS policy, and a handshake reaches every gateway of its server: give SharingGateway a policy too, or its own port or path",
      );
      @WebSocketGateway({ path: '/named' })
      @CorsPolicy('partner')
      class MisnamedGateway extends EchoGateway {}
      await expect(bootstrap(transport, [MisnamedGateway])).rejects.toThrow(
        'MisnamedGateway › policy: no policy is named "partner"; known policies: partners',
      );
    },
  );

  it('fails when a Socket.IO gateway with a policy sets its own cors option, which ws ignores', async () => {
    @WebSocketGateway({ cors: { origin: '*' } })
    class OwnCorsGateway extends EchoGateway {}
    await expect(bootstrap('socket.io', [OwnCorsGateway])).rejects.toThrow(
      `OwnCorsGateway › cors: @WebSocketGateway({ cors }) would answer the Socket.IO handshake's CORS instead of its CORS policy "default": remove the cors option`,
    );
    await expect(bootstrap('ws', [OwnCorsGateway])).resolves.toBeUndefined();
  });

  it.each(Object.keys(TRANSPORTS) as Transport[])(
    'needs the application, with CorsModule (%s)',
    async (transport) => {
      const { cors: Adapter } = TRANSPORTS[transport];
      const name = transport === 'ws' ? 'CorsWsAdapter' : 'CorsIoAdapter';
      expect(() => new Adapter()).toThrow(
        `${name} needs the application, to find its CORS policies: new Adapter(app)`,
      );
      const app = await createTestApp({ init: false });
      expect(() => new Adapter(app)).toThrow(
        `${name} applies the policies of CorsModule, which this application does not import: add CorsModule.forRoot(...) to its imports`,
      );
      await app.close();
    },
  );
});
