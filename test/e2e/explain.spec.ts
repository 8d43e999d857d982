import type { INestApplication } from '@nestjs/common';
import { CorsService } from '../../src/index.js';
import {
  APP_ORIGIN,
  PARTNER_ORIGIN,
  createTestApp,
} from '../fixtures/test-app.js';
import { ADAPTERS } from '../support/adapters.js';

describe.each(ADAPTERS)('CorsService.explain() (%s)', (adapter) => {
  let app: INestApplication;
  let cors: CorsService;
  beforeAll(async () => {
    app = await createTestApp(adapter);
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
