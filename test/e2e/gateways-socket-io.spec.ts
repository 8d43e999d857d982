import type { INestApplication } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { CorsPolicy } from '../../src/index.js';
import {
  APP,
  ChatGateway,
  type Client,
  CONNECTED,
  connections,
  EchoGateway,
  EVIL,
  type GatewayApp,
  KeyedGateway,
  OpenGateway,
  PARTNER,
  PartnersGateway,
  socketIo,
  startGateways,
  TENANT,
  TenantPolicy,
  TenantsGateway,
} from '../fixtures/gateways.js';
import { corsHeaders } from '../support/answers.js';
import { http } from '../support/requests.js';
import { ADAPTERS } from '../support/test-app.js';

/*
 * Gateways on Socket.IO with the module's CorsIoAdapter: each handshake, over polling and
 * WebSocket, follows its gateway's policy, and the polling transport's responses carry its
 * CORS headers. The same gateways on ws: gateways-ws.spec.ts.
 */

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
