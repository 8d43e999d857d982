import {
  APP,
  ChatGateway,
  type Client,
  CONNECTED,
  connections,
  EVIL,
  type GatewayApp,
  KeyedGateway,
  OpenGateway,
  PARTNER,
  PartnersGateway,
  plainWs,
  startGateways,
  TENANT,
  TenantPolicy,
  TenantsGateway,
} from '../fixtures/gateways.js';
import { ADAPTERS } from '../support/test-app.js';

/*
 * Gateways on ws with the module's CorsWsAdapter: each upgrade follows its gateway's policy,
 * and a refused one gets 403. The same gateways on Socket.IO: gateways-socket-io.spec.ts.
 */

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
