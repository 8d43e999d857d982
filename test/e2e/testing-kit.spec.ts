import {
  All,
  Controller,
  Delete,
  Get,
  type INestApplication,
  Injectable,
  Post,
  Put,
  type Type,
  Version,
  VERSION_NEUTRAL,
  VersioningType,
} from '@nestjs/common';
import type { Server } from 'node:http';
import {
  CorsModule,
  type CorsModuleOptions,
  CorsPolicy,
  type CorsPolicyOptions,
  type CorsPolicyProvider,
} from '../../src/index.js';
import {
  type CorsSurface,
  corsSurface,
  expectCorsPreflight,
  expectCorsRequest,
} from '../../src/testing/index.js';
import { createSampleApp } from '../fixtures/sample-app.js';
import {
  type AdapterName,
  ADAPTERS,
  createTestApp,
} from '../support/test-app.js';

const APP = 'https://app.example.com';
const PARTNER = 'https://partner.example.org';
const EVIL = 'https://evil.example.net';

@Injectable()
class TenantCorsPolicy implements CorsPolicyProvider {
  getPolicy(): CorsPolicyOptions {
    return { origin: ['https://tenant.example.com'] };
  }
}

@Controller('orders')
class OrdersController {
  @Get()
  list() {
    return [];
  }

  @Put(':id')
  @CorsPolicy('partners')
  update() {
    return 'updated';
  }

  @Delete(':id')
  @CorsPolicy(false)
  remove() {
    return 'removed';
  }
}

@Controller('tenant')
@CorsPolicy(TenantCorsPolicy)
class TenantController {
  @Get()
  tenant() {
    return 'tenant';
  }
}

@Controller('public')
class PublicController {
  @Get()
  @CorsPolicy({ origin: '*' })
  read() {
    return 'public';
  }
}

const PARTNERS_ORIGINS = [PARTNER, /^https:\/\/[a-z]+\.partner\.dev$/];
const OPTIONS: CorsModuleOptions = {
  default: {
    origin: [APP],
    credentials: true,
    allowedHeaders: ['Content-Type', 'Authorization'],
  },
  policies: { partners: { origin: PARTNERS_ORIGINS, methods: ['PUT'] } },
  paths: [
    { path: '/docs*', policy: 'partners' },
    { path: '/metrics', policy: false },
  ],
};

const kitApp = (
  adapter: AdapterName,
  controllers: Type[] = [OrdersController, TenantController, PublicController],
  options: CorsModuleOptions = OPTIONS,
) =>
  createTestApp({
    adapter,
    cors: CorsModule.forRoot(options),
    controllers,
    providers: [TenantCorsPolicy],
    configure: (app) => app.setGlobalPrefix('api'),
  });

/** The surface of the app above, whatever the adapter. */
const SURFACE: CorsSurface = {
  default: 'default',
  paths: [
    { path: '/docs*', policy: 'partners' },
    { path: '/metrics', policy: null },
  ],
  routes: [
    {
      method: 'GET',
      path: '/api/orders',
      handler: 'OrdersController#list',
      policy: 'default',
    },
    {
      method: 'DELETE',
      path: '/api/orders/:id',
      handler: 'OrdersController#remove',
      policy: null,
    },
    {
      method: 'PUT',
      path: '/api/orders/:id',
      handler: 'OrdersController#update',
      policy: 'partners',
    },
    {
      method: 'GET',
      path: '/api/public',
      handler: 'PublicController#read',
      policy: 'PublicController#read (inline)',
    },
    {
      method: 'GET',
      path: '/api/tenant',
      handler: 'TenantController#tenant',
      policy: 'TenantCorsPolicy',
    },
  ],
  policies: {
    'PublicController#read (inline)': {
      origins: ['*'],
      methods: [
        'DELETE',
        'GET',
        'HEAD',
        'PATCH',
        'POST',
        'PUT',
        "(the route's own)",
      ],
      allowedHeaders: ['*'],
      exposedHeaders: [],
      credentials: false,
      privateNetwork: false,
    },
    TenantCorsPolicy: 'provider TenantCorsPolicy',
    default: {
      origins: [APP],
      methods: [
        'DELETE',
        'GET',
        'HEAD',
        'PATCH',
        'POST',
        'PUT',
        "(the route's own)",
      ],
      allowedHeaders: ['authorization', 'content-type'],
      exposedHeaders: [],
      credentials: true,
      privateNetwork: false,
    },
    partners: {
      origins: ['/^https:\\/\\/[a-z]+\\.partner\\.dev$/', PARTNER],
      methods: ['GET', 'HEAD', 'POST', 'PUT'],
      allowedHeaders: ['*'],
      exposedHeaders: [],
      credentials: false,
      privateNetwork: false,
    },
  },
};

describe.each(ADAPTERS)('testing kit: corsSurface() (%s)', (adapter) => {
  it('describes every route, path rule and the default, with what each policy allows, in a stable order', async () => {
    const app = await kitApp(adapter);
    const surface = corsSurface(app);
    await app.close();
    expect(surface).toEqual(SURFACE);
    expect(JSON.stringify(surface)).toBe(JSON.stringify(SURFACE));
  });

  it('describes an app configured alike the same way, whatever order its parts are declared in', async () => {
    const app = await kitApp(
      adapter,
      [PublicController, TenantController, OrdersController],
      {
        ...OPTIONS,
        policies: {
          partners: { origin: [...PARTNERS_ORIGINS].reverse(), methods: 'PUT' },
        },
      },
    );
    const surface = corsSurface(app);
    await app.close();
    expect(JSON.stringify(surface)).toBe(JSON.stringify(SURFACE));
  });

  it('numbers a policy whose name another one already has', async () => {
    const app = await kitApp(adapter, [TenantController], {
      default: 'TenantCorsPolicy',
      policies: { TenantCorsPolicy: { origin: [APP] } },
    });
    const surface = corsSurface(app);
    await app.close();
    expect({
      default: surface.default,
      routes: surface.routes.map(({ policy }) => policy),
      policies: Object.keys(surface.policies),
    }).toEqual({
      default: 'TenantCorsPolicy',
      routes: ['TenantCorsPolicy (2)'],
      policies: ['TenantCorsPolicy', 'TenantCorsPolicy (2)'],
    });
    expect(surface.policies['TenantCorsPolicy (2)']).toBe(
      'provider TenantCorsPolicy',
    );
  });

  it('refuses an app whose routes are not registered yet', async () => {
    const app = await createTestApp({
      adapter,
      cors: CorsModule.forRoot(OPTIONS),
      controllers: [OrdersController],
      configure: (app) =>
        expect(() => corsSurface(app)).toThrow(
          'CorsService.surface() (and corsSurface()) reads the routes Nest registered: call it from onApplicationBootstrap() on, or once the application has started',
        ),
    });
    await app.close();
  });
});

describe('testing kit: corsSurface() on both adapters', () => {
  it('is the same for the test app on Express and on Fastify', async () => {
    const surfaces = [];
    for (const adapter of ADAPTERS) {
      const app = await createSampleApp(adapter);
      surfaces.push(JSON.stringify(corsSurface(app), null, 2));
      await app.close();
    }
    const [express, fastify] = surfaces;
    expect(fastify).toBe(express);
    expect(express).toContain('"path": "/api/v2/versioned"');
  });
});

@Controller('files')
class FilesController {
  @Get('*')
  download() {
    return 'file';
  }

  @Get(':id/meta')
  meta() {
    return 'meta';
  }

  @Post()
  @CorsPolicy(false)
  upload() {
    return 'uploaded';
  }
}

@Controller({ path: 'items', version: ['1', '2'] })
class ItemsController {
  @Get(':id')
  read() {
    return 'item';
  }

  @Version(VERSION_NEUTRAL)
  @Get()
  list() {
    return [];
  }
}

@Controller()
class FallbackController {
  @All('*')
  fallback() {
    return 'fallback';
  }
}

describe('testing kit: corsSurface() spells routes alike on both adapters', () => {
  it('issue 22 case 10: gives a wildcard, params and URI versions one spelling and one order on Express and on Fastify', async () => {
    const surfaces: string[] = [];
    for (const adapter of ADAPTERS) {
      const app = await createTestApp({
        adapter,
        cors: CorsModule.forRoot({ default: { origin: [APP] } }),
        controllers: [FallbackController, FilesController, ItemsController],
        configure: (app) => {
          app.setGlobalPrefix('api');
          app.enableVersioning({ type: VersioningType.URI });
        },
      });
      surfaces.push(JSON.stringify(corsSurface(app), null, 2));
      await app.close();
    }
    const [express, fastify] = surfaces;
    expect(fastify).toBe(express);
    const route = (
      method: string,
      path: string,
      handler: string,
      policy: string | null = 'default',
    ) => ({ method, path, handler, policy });
    expect((JSON.parse(express!) as CorsSurface).routes).toEqual([
      route('POST', '/api/files', 'FilesController#upload', null),
      route('GET', '/api/files/:id/meta', 'FilesController#meta'),
      route('GET', '/api/files/{*path}', 'FilesController#download'),
      route('GET', '/api/items', 'ItemsController#list'),
      route('GET', '/api/v1/items/:id', 'ItemsController#read'),
      route('GET', '/api/v2/items/:id', 'ItemsController#read'),
      route('ALL', '/api/{*path}', 'FallbackController#fallback'),
    ]);
  });
});

describe.each(ADAPTERS)(
  'testing kit: expectCorsPreflight() and expectCorsRequest() (%s)',
  (adapter) => {
    let app: INestApplication;
    beforeAll(async () => (app = await kitApp(adapter)));
    afterAll(() => app.close());

    it('starts an app that does not listen yet, and returns the response', async () => {
      expect((app.getHttpServer() as Server).listening).toBe(false);
      const response = await expectCorsPreflight(
        app,
        {
          path: '/api/orders/7',
          origin: PARTNER,
          method: 'put',
          headers: ['X-Token'],
        },
        'allowed',
      );
      expect((app.getHttpServer() as Server).listening).toBe(true);
      expect(response).toMatchObject({
        status: 204,
        headers: {
          'access-control-allow-origin': PARTNER,
          'access-control-allow-methods': 'PUT',
          'access-control-allow-headers': 'x-token',
        },
      });
    });

    it("throws when a preflight expected allowed is refused, with what the browser objects to and the module's reason", async () => {
      await expect(
        expectCorsPreflight(
          app,
          { path: '/api/orders/7', origin: EVIL, method: 'PUT' },
          'allowed',
        ),
      ).rejects.toThrow(
        new Error(
          `Expected the preflight of PUT /api/orders/7 from ${EVIL} to be allowed, but a browser finds it refused: the response has no Access-Control-Allow-Origin (status 403).\n` +
            'CorsModule: OrdersController#update, policy partners: origin not allowed (origin_not_allowed)',
        ),
      );
      await expect(
        expectCorsPreflight(
          app,
          {
            path: '/api/orders',
            origin: APP,
            method: 'POST',
            headers: ['content-type', 'x-secret'],
          },
          'allowed',
        ),
      ).rejects.toThrow(
        new Error(
          `Expected the preflight of POST /api/orders with content-type, x-secret from ${APP} to be allowed, but a browser finds it refused: the response has no Access-Control-Allow-Origin (status 403).\n` +
            'CorsModule: no route, policy default: header "x-secret" not allowed (header_not_allowed)',
        ),
      );
    });

    it('throws when a preflight expected refused is allowed, with the headers that allow it', async () => {
      await expect(
        expectCorsPreflight(
          app,
          { path: '/api/orders/7', origin: PARTNER, method: 'PUT' },
          'refused',
        ),
      ).rejects.toThrow(
        new Error(
          `Expected the preflight of PUT /api/orders/7 from ${PARTNER} to be refused, but a browser finds it allowed: access-control-allow-origin: ${PARTNER}, access-control-allow-methods: PUT (status 204).\n` +
            'CorsModule: OrdersController#update, policy partners: allowed',
        ),
      );
    });

    it('judges credentials as a browser does', async () => {
      await expectCorsPreflight(
        app,
        { path: '/api/orders', origin: APP, method: 'GET', credentials: true },
        'allowed',
      );
      await expect(
        expectCorsRequest(
          app,
          { path: '/api/public', origin: APP, credentials: true },
          'readable',
        ),
      ).rejects.toThrow(
        `Expected the response to GET /api/public with credentials from ${APP} to be readable, but a browser finds it unreadable: Access-Control-Allow-Origin is *, which browsers refuse for a request with credentials (status 200).`,
      );
      await expectCorsRequest(
        app,
        { path: '/api/public', origin: EVIL },
        'readable',
      );
    });

    it('tells readable responses from unreadable ones, with the reason of the route without CORS', async () => {
      await expectCorsRequest(
        app,
        { path: '/api/orders', origin: APP },
        'readable',
      );
      await expectCorsRequest(
        app,
        { path: '/api/orders', origin: EVIL },
        'unreadable',
      );
      await expectCorsRequest(
        app,
        { path: '/docs/index.html', origin: PARTNER },
        'readable',
      );
      await expect(
        expectCorsRequest(
          app,
          { path: '/api/orders/7', origin: APP, method: 'delete' },
          'readable',
        ),
      ).rejects.toThrow(
        new Error(
          `Expected the response to DELETE /api/orders/7 from ${APP} to be readable, but a browser finds it unreadable: the response has no Access-Control-Allow-Origin (status 200).\n` +
            'CorsModule: OrdersController#remove, no policy: no CORS policy applies to this route',
        ),
      );
    });
  },
);
