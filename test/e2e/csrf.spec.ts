import { describe, expect, it } from '@jest/globals';
import { Controller, type INestApplication, Post } from '@nestjs/common';
import { CorsModule, CorsPolicy, CorsService } from '../../src/index.js';
import { corsHeaders } from '../support/answers.js';
import { http } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';

const APP = 'https://app.example.com';
const PARTNER = 'https://partner.example.org';
const EVIL = 'https://evil.example.net';

@Controller('orders')
class OrdersController {
  @Post()
  create() {
    return 'created';
  }

  @Post('public')
  @CorsPolicy({ origin: [PARTNER] })
  publicCreate() {
    return 'created';
  }
}

/** A cross-site, state-changing request as a browser sends it. */
const crossSitePost = (app: INestApplication, path: string, origin: string) =>
  http(app).post(path).set({ Origin: origin, 'Sec-Fetch-Site': 'cross-site' });

describe.each(ADAPTERS)("with Nest's CSRF protection (%s)", (adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createTestApp({
      adapter,
      cors: CorsModule.forRoot({
        default: { origin: [APP], credentials: true },
      }),
      controllers: [OrdersController],
      configure: (nest) =>
        nest.enableCsrfProtection({
          exclude: nest.get(CorsService).trustedForCsrf,
        }),
    });
  });
  afterAll(() => app.close());

  it("trusts an origin the route's policy allows with credentials, deciding before the CSRF check runs", async () => {
    const res = await crossSitePost(app, '/orders', APP);
    expect([res.status, res.text, corsHeaders(res.headers)]).toEqual([
      201,
      'created',
      {
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
      },
    ]);
  });

  it('does not trust an origin allowed without credentials, and its 403 is readable', async () => {
    const res = await crossSitePost(app, '/orders/public', PARTNER);
    expect([res.status, corsHeaders(res.headers)]).toEqual([
      403,
      { 'access-control-allow-origin': PARTNER },
    ]);
  });

  it('does not trust an origin the policy refuses, nor another route’s origin', async () => {
    for (const [path, origin] of [
      ['/orders', EVIL],
      ['/orders/public', APP],
    ] as const) {
      const res = await crossSitePost(app, path, origin);
      expect([path, origin, res.status, corsHeaders(res.headers)]).toEqual([
        path,
        origin,
        403,
        {},
      ]);
    }
  });

  it('leaves same-origin requests to the CSRF check, which lets them through', async () => {
    const res = await http(app)
      .post('/orders')
      .set('Sec-Fetch-Site', 'same-origin');
    expect(res.status).toBe(201);
  });
});
