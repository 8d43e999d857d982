import {
  Scope,
  Controller,
  Get,
  Injectable,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import {
  CorsModule,
  CorsPolicy,
  type CorsPolicyOptions,
  type CorsPolicyProvider,
  type CorsRequest,
} from '../../src/index.js';
import { TenantCorsPolicy, createSampleApp } from '../fixtures/sample-app.js';
import { http, preflight } from '../support/requests.js';
import {
  type AdapterName,
  ADAPTERS,
  createTestApp,
} from '../support/test-app.js';

const TENANT_A = 'https://tenant-a.example.com';
const TENANT_B = 'https://tenant-b.example.com';

/** Boots an app whose default policy is `provider`: an unknown route from TENANT_A gets no CORS. */
async function expectDefaultProviderDenies(
  adapter: AdapterName,
  provider: Type<CorsPolicyProvider>,
): Promise<void> {
  const app = await createTestApp({
    adapter,
    cors: CorsModule.forRoot({ default: provider }),
    providers: [provider],
  });
  const res = await http(app).get('/nowhere').set('Origin', TENANT_A);
  expect(res.status).toBe(404);
  expect(res.headers['access-control-allow-origin']).toBeUndefined();
  await app.close();
}

describe.each(ADAPTERS)('policies from DI providers (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => (app = await createSampleApp(adapter)));
  afterAll(() => app.close());
  beforeEach(() => {
    TenantCorsPolicy.origins = [TENANT_A];
    TenantCorsPolicy.fail = false;
    TenantCorsPolicy.seen = [];
  });
  const allowOrigin = async (origin: string) =>
    (await http(app).get('/api/tenant').set('Origin', origin)).headers[
      'access-control-allow-origin'
    ];

  it('asks an async provider and applies what it returns, as it changes', async () => {
    expect(await allowOrigin(TENANT_A)).toBe(TENANT_A);
    expect(await allowOrigin(TENANT_B)).toBeUndefined();
    TenantCorsPolicy.origins = [TENANT_B];
    expect(await allowOrigin(TENANT_B)).toBe(TENANT_B);
    expect(await allowOrigin(TENANT_A)).toBeUndefined();
  });

  it('passes the request to the provider: origin, requested method for a preflight, path', async () => {
    await preflight(app, '/api/tenant', TENANT_A, 'GET');
    expect(
      TenantCorsPolicy.seen.map(({ origin, method, path, preflight }) => ({
        origin,
        method,
        path,
        preflight,
      })),
    ).toEqual([
      { origin: TENANT_A, method: 'GET', path: '/api/tenant', preflight: true },
    ]);
  });

  it('fails closed when the provider throws, and keeps serving', async () => {
    TenantCorsPolicy.fail = true;
    const res = await http(app).get('/api/tenant').set('Origin', TENANT_A);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers.vary).toBe('Origin');
    expect((await preflight(app, '/api/tenant', TENANT_A, 'GET')).status).toBe(
      403,
    );
    TenantCorsPolicy.fail = false;
    expect(await allowOrigin(TENANT_A)).toBe(TENANT_A);
  });
});

describe.each(ADAPTERS)(
  'provider lookup, compilation and cache (%s)',
  (adapter) => {
    it('injects the provider dependencies, compiles each returned object once, and caches by cacheKey', async () => {
      @Injectable()
      class OriginStore {
        reads = 0;
        policy: CorsPolicyOptions = { origin: [TENANT_A] };
        read(): CorsPolicyOptions {
          this.reads++;
          return this.policy;
        }
      }
      @Injectable()
      class CachedPolicy implements CorsPolicyProvider {
        constructor(private readonly store: OriginStore) {}
        getPolicy() {
          return this.store.read();
        }
        cacheKey(request: CorsRequest) {
          return request.origin;
        }
      }
      @Controller('cached')
      @CorsPolicy(CachedPolicy)
      class CachedController {
        @Get()
        get() {
          return 'ok';
        }
      }
      const app = await createTestApp({
        adapter,
        cors: CorsModule.forRoot({ providerCache: { ttl: 60_000, max: 10 } }),
        controllers: [CachedController],
        providers: [OriginStore, CachedPolicy],
      });
      const store = app.get(OriginStore);
      for (let i = 0; i < 3; i++) {
        const res = await http(app).get('/cached').set('Origin', TENANT_A);
        expect(res.headers['access-control-allow-origin']).toBe(TENANT_A);
      }
      expect(store.reads).toBe(1);
      await app.close();
    });

    it('denies and logs when a provider returns an invalid policy', async () => {
      @Injectable()
      class BrokenPolicy implements CorsPolicyProvider {
        getPolicy(): CorsPolicyOptions {
          return { origin: '*', credentials: true };
        }
      }
      await expectDefaultProviderDenies(adapter, BrokenPolicy);
    });

    it('fails bootstrap naming the class and the route when the provider is not registered', async () => {
      @Injectable()
      class MissingPolicy implements CorsPolicyProvider {
        getPolicy() {
          return false as const;
        }
      }
      @Controller('x')
      class XController {
        @Get()
        @CorsPolicy(MissingPolicy)
        handler() {}
      }
      await expect(
        createTestApp({
          adapter,
          cors: CorsModule.forRoot({}),
          controllers: [XController],
        }),
      ).rejects.toThrow(
        /XController#handler › provider: MissingPolicy is not a registered provider/,
      );
    });

    it('fails bootstrap for a request-scoped provider, which no request scope exists for before routing', async () => {
      @Injectable({ scope: Scope.REQUEST })
      class ScopedPolicy implements CorsPolicyProvider {
        getPolicy() {
          return false as const;
        }
      }
      await expect(
        createTestApp({
          adapter,
          cors: CorsModule.forRoot({ default: ScopedPolicy }),
          providers: [ScopedPolicy],
        }),
      ).rejects.toThrow(
        'default policy › provider: ScopedPolicy is request-scoped; a policy provider is asked before any request scope exists: make it a singleton and read the request from getPolicy(request)',
      );
    });
  },
);

describe.each(ADAPTERS)('provider edge cases (%s)', (adapter) => {
  const providerClass = (origins: string[]) => {
    @Injectable()
    class TenantPolicy implements CorsPolicyProvider {
      readonly policy: CorsPolicyOptions = {
        origin: origins,
        credentials: true,
      };
      getPolicy() {
        return this.policy;
      }
      cacheKey(request: CorsRequest) {
        return String(request.headers['x-tenant']);
      }
    }
    return TenantPolicy;
  };

  it('keeps the cached answers of two provider classes with the same name apart', async () => {
    const First = providerClass([TENANT_A]);
    const Second = providerClass([TENANT_B]);
    @Controller()
    class TenantsController {
      @Get('one')
      @CorsPolicy(First)
      one() {}

      @Get('two')
      @CorsPolicy(Second)
      two() {}
    }
    const app = await createTestApp({
      adapter,
      cors: CorsModule.forRoot({ providerCache: { ttl: 60_000 } }),
      controllers: [TenantsController],
      providers: [First, Second],
    });
    const get = (path: string) =>
      http(app).get(path).set('Origin', TENANT_A).set('X-Tenant', 't1');
    expect((await get('/one')).headers['access-control-allow-origin']).toBe(
      TENANT_A,
    );
    const two = await get('/two');
    expect(two.headers['access-control-allow-origin']).toBeUndefined();
    expect(two.headers['access-control-allow-credentials']).toBeUndefined();
    await app.close();
  });

  it('denies, without a 5xx, when an async provider returns something that cannot be compiled', async () => {
    @Injectable()
    class OddPolicy implements CorsPolicyProvider {
      async getPolicy() {
        return {
          origin: [TENANT_A],
          methods: 2n,
        } as unknown as CorsPolicyOptions;
      }
    }
    await expectDefaultProviderDenies(adapter, OddPolicy);
  });
});
