import type { INestApplication } from '@nestjs/common';
import { CorsService } from '../../src/index.js';
import {
  APP_ORIGIN,
  PARTNER_ORIGIN,
  createSampleApp,
} from '../fixtures/sample-app.js';
import { http } from '../support/requests.js';
import { ADAPTERS } from '../support/test-app.js';

describe.each(ADAPTERS)('CorsService.explain() (%s)', (adapter) => {
  let app: INestApplication;
  let cors: CorsService;
  beforeAll(async () => {
    app = await createSampleApp(adapter);
    cors = app.get(CorsService);
  });
  afterAll(() => app.close());

  it('explains an allowed actual request', async () => {
    expect(
      await cors.explain({
        method: 'GET',
        path: '/api/partners',
        origin: PARTNER_ORIGIN,
      }),
    ).toEqual({
      route: 'PartnersController#list',
      policy: 'partners',
      preflight: false,
      allowed: true,
      reason: 'allowed',
      code: 'allowed',
      status: undefined,
      headers: { 'access-control-allow-origin': PARTNER_ORIGIN },
      vary: 'Origin',
    });
  });

  it("hands out headers of the caller's own, which requests never see", async () => {
    const query = {
      method: 'GET',
      path: '/api/partners',
      origin: PARTNER_ORIGIN,
    } as const;
    const { headers } = await cors.explain(query);
    headers['access-control-allow-origin'] = '*';
    expect((await cors.explain(query)).headers).toEqual({
      'access-control-allow-origin': PARTNER_ORIGIN,
    });
    const res = await http(app)
      .get('/api/partners')
      .set('Origin', PARTNER_ORIGIN);
    expect(res.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
  });

  it('explains a refused preflight with the route its requested method reaches', async () => {
    expect(
      await cors.explain({
        method: 'OPTIONS',
        path: '/api/partners/3',
        origin: PARTNER_ORIGIN,
        requestMethod: 'DELETE',
      }),
    ).toMatchObject({
      route: 'PartnersController#remove',
      policy: 'PartnersController#remove (inline)',
      preflight: true,
      allowed: false,
      reason: 'origin not allowed',
      code: 'origin_not_allowed',
      status: 403,
      headers: {},
    });
  });

  it('ignores the query string of the path', async () => {
    expect(
      await cors.explain({
        method: 'GET',
        path: '/api/partners?page=2',
        origin: PARTNER_ORIGIN,
      }),
    ).toMatchObject({
      route: 'PartnersController#list',
      policy: 'partners',
      allowed: true,
    });
  });

  it('explains a route without CORS and an unknown route', async () => {
    expect(
      await cors.explain({
        method: 'GET',
        path: '/api/partners/closed',
        origin: APP_ORIGIN,
      }),
    ).toMatchObject({
      route: 'PartnersController#closed',
      policy: null,
      allowed: false,
      reason: 'no CORS policy applies to this route',
      code: null,
    });
    expect(
      await cors.explain({
        method: 'GET',
        path: '/api/none',
        origin: APP_ORIGIN,
      }),
    ).toMatchObject({
      route: null,
      policy: 'default',
      allowed: true,
    });
  });
});
