import {
  type CanActivate,
  Controller,
  Get,
  Post,
  UseGuards,
  VersioningType,
} from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { CorsModule, CorsPolicy } from '../../src/index.js';
import { http, preflight } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';
import type { INestApplication } from '@nestjs/common';
import {
  APP_ORIGIN,
  PARTNER_ORIGIN,
  createSampleApp,
} from '../fixtures/sample-app.js';
import {
  expectCorsPreflight,
  expectCorsRequest,
} from '../../src/testing/index.js';

describe.each(ADAPTERS)('which policy applies (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => (app = await createSampleApp(adapter)));
  afterAll(() => app.close());
  const get = (path: string, origin: string) =>
    http(app).get(path).set('Origin', origin);

  it('uses the module default for an undecorated controller', async () => {
    await expectCorsRequest(
      app,
      { path: '/api/hello', origin: PARTNER_ORIGIN },
      'unreadable',
    );
    await expectCorsRequest(
      app,
      { path: '/api/hello', origin: APP_ORIGIN, credentials: true },
      'readable',
    );
  });

  it("uses the controller's named policy", async () => {
    const res = await expectCorsRequest(
      app,
      { path: '/api/partners', origin: PARTNER_ORIGIN },
      'readable',
    );
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it("lets a handler's policy beat its controller's, for the preflight of a DELETE too", async () => {
    const path = '/api/partners/7';
    const partner = await expectCorsPreflight(
      app,
      { path, origin: PARTNER_ORIGIN, method: 'DELETE' },
      'refused',
    );
    expect(partner.status).toBe(403);
    const appOrigin = await expectCorsPreflight(
      app,
      { path, origin: APP_ORIGIN, method: 'DELETE' },
      'allowed',
    );
    expect(appOrigin.status).toBe(204);
    expect(appOrigin.headers['access-control-allow-methods']).toBe('DELETE');
  });

  it('picks the handler the preflight path plus requested method would reach, not OPTIONS', async () => {
    const getPreflight = await expectCorsPreflight(
      app,
      { path: '/api/partners', origin: PARTNER_ORIGIN, method: 'GET' },
      'allowed',
    );
    expect(getPreflight.status).toBe(204);
    const noGetHere = await expectCorsPreflight(
      app,
      { path: '/api/partners/7', origin: PARTNER_ORIGIN, method: 'GET' },
      'refused',
    );
    expect(noGetHere.status).toBe(403);
  });

  it('disables CORS where @CorsPolicy(false) is set, even under a controller policy', async () => {
    const res = await get('/api/partners/closed', PARTNER_ORIGIN);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers.vary).toBeUndefined();
    const pre = await preflight(
      app,
      '/api/partners/closed',
      PARTNER_ORIGIN,
      'GET',
    );
    expect(pre.status).toBe(404);
  });

  it('resolves the global prefix exclusion, URI versioning and RouterModule paths as Nest routes them', async () => {
    expect(
      (await get('/health', APP_ORIGIN)).headers['access-control-allow-origin'],
    ).toBe(APP_ORIGIN);
    const versioned = await get('/api/v2/versioned', PARTNER_ORIGIN);
    expect(versioned.status).toBe(200);
    expect(versioned.headers['access-control-allow-origin']).toBe(
      PARTNER_ORIGIN,
    );
    const admin = await get(
      '/api/admin/reports/q3',
      'https://finance.example.com',
    );
    expect(admin.status).toBe(200);
    expect(admin.headers['access-control-allow-origin']).toBe(
      'https://finance.example.com',
    );
    expect(admin.headers['access-control-expose-headers']).toBe('X-Report');
  });

  it("follows the adapter's own path matching: case, trailing slash, parameters", async () => {
    // Express matches paths case-insensitively and ignores one trailing slash; Fastify does neither.
    const mixedCase = await get(
      '/api/ADMIN/Reports/q3/',
      'https://finance.example.com',
    );
    const reachesRoute = adapter === 'express';
    expect(mixedCase.status).toBe(reachesRoute ? 200 : 404);
    expect(mixedCase.headers['access-control-allow-origin']).toBe(
      reachesRoute ? 'https://finance.example.com' : undefined,
    );
    const extra = await get(
      '/api/admin/reports/q3/extra',
      'https://finance.example.com',
    );
    expect(extra.status).toBe(404);
    expect(extra.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('uses the first registered route when a static and a parametric path both match', async () => {
    const res = await get('/api/hello/users/me', APP_ORIGIN);
    expect(res.text).toBe('me');
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
  });

  it('uses the default policy for a request that reaches no handler', async () => {
    const res = await get('/api/nowhere', APP_ORIGIN);
    expect(res.status).toBe(404);
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    const wrongMethod = await preflight(
      app,
      '/api/partners',
      APP_ORIGIN,
      'PUT',
    );
    expect(wrongMethod.status).toBe(204);
    expect(wrongMethod.headers['access-control-allow-methods']).toBe(
      'GET,HEAD,PUT,PATCH,POST,DELETE',
    );
  });
});

class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

describe.each(ADAPTERS)(
  'which policy applies, when the path alone cannot tell (%s)',
  (adapter) => {
    @Controller({ path: 'catalog', version: '1' })
    @CorsPolicy({ origin: ['https://v1.example.com'] })
    class CatalogV1Controller {
      @Get()
      list() {
        return 'v1';
      }

      @Post()
      create() {
        return 'v1';
      }
    }

    @Controller({ path: 'catalog', version: '2' })
    @CorsPolicy({ origin: ['https://v2.example.com'] })
    class CatalogV2Controller {
      @Get()
      list() {
        return 'v2';
      }

      @Post()
      create() {
        return 'v2';
      }

      @Get('orders')
      @UseGuards(DenyGuard)
      orders() {}
    }

    @Controller({ path: 'catalog', version: '1' })
    @CorsPolicy({ origin: ['https://v1.example.com'] })
    class OrdersV1Controller {
      @Get('orders')
      orders() {}
    }

    let app: INestApplication;
    beforeAll(async () => {
      app = await createTestApp({
        adapter,
        cors: CorsModule.forRoot({}),
        // OrdersV1Controller first: its route is the one the path alone points to.
        controllers: [
          OrdersV1Controller,
          CatalogV1Controller,
          CatalogV2Controller,
        ],
        configure: (app) =>
          app.enableVersioning({
            type: VersioningType.HEADER,
            header: 'X-Api-Version',
          }),
      });
    });
    afterAll(() => app.close());

    it("gives a guard's rejection the policy of the version that runs, even where another version allows the origin", async () => {
      const res = await http(app)
        .get('/catalog/orders')
        .set('X-Api-Version', '2')
        .set('Origin', 'https://v1.example.com');
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers.vary).toBe('Origin');
    });

    it('allows a preflight only if every route sharing the path allows it', async () => {
      for (const origin of [
        'https://v1.example.com',
        'https://v2.example.com',
      ]) {
        const res = await preflight(
          app,
          '/catalog',
          origin,
          'GET',
          'x-api-version',
        );
        expect(res.status).toBe(403);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      }
    });

    it('applies the policy of the handler that actually runs under header versioning', async () => {
      const res = await http(app)
        .get('/catalog')
        .set('X-Api-Version', '2')
        .set('Origin', 'https://v2.example.com');
      expect(res.text).toBe('v2');
      expect(res.headers['access-control-allow-origin']).toBe(
        'https://v2.example.com',
      );
      expect(res.headers.vary).toBe('Origin');
      const v1 = await http(app)
        .get('/catalog')
        .set('X-Api-Version', '1')
        .set('Origin', 'https://v2.example.com');
      expect(v1.text).toBe('v1');
      expect(v1.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('gives a body-parser error the policy of the version Fastify routed to; Express parses before it routes', async () => {
      const res = await http(app)
        .post('/catalog')
        .set('X-Api-Version', '2')
        .set('Origin', 'https://v2.example.com')
        .set('Content-Type', 'application/json')
        .send('{');
      expect(res.status).toBe(400);
      // Before routing, only what every version of the path allows.
      expect(res.headers['access-control-allow-origin']).toBe(
        adapter === 'fastify' ? 'https://v2.example.com' : undefined,
      );
      expect(res.headers.vary).toBe('Origin');
    });
  },
);

describe("which policy applies, with Fastify's router options", () => {
  @Controller('admin')
  @CorsPolicy({ origin: ['https://admin.example.com'] })
  class AdminController {
    @Get('users')
    users() {
      return 'admin';
    }
  }

  it('reads paths with the router options Fastify runs with (useSemicolonDelimiter)', async () => {
    const app = await createTestApp({
      cors: CorsModule.forRoot({
        default: { origin: [APP_ORIGIN], credentials: true },
      }),
      controllers: [AdminController],
      httpAdapter: new FastifyAdapter({
        // Fastify 5 reads it here; Nest's option types do not list it yet.
        routerOptions: { useSemicolonDelimiter: true },
      } as ConstructorParameters<typeof FastifyAdapter>[0]),
    });
    const res = await http(app).get('/admin/users;x').set('Origin', APP_ORIGIN);
    expect(res.text).toBe('admin');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    await app.close();
  });
});
