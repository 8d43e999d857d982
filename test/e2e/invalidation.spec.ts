import {
  Controller,
  Get,
  Injectable,
  type INestApplication,
} from '@nestjs/common';
import {
  CorsModule,
  CorsPolicy,
  CorsService,
  type CorsPolicyOptions,
  type CorsPolicyProvider,
  type CorsRequest,
} from '../../src/index.js';
import { http } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';

const SHOP = 'https://shop.example.com';
const BLOG = 'https://blog.example.com';

/** Tenants' origins, by `X-Tenant`; counts the lookups and can hold them until released. */
@Injectable()
class TenantStore {
  origins = new Map([
    ['shop', [SHOP]],
    ['blog', [BLOG]],
  ]);
  reads = 0;
  held?: Promise<void>;

  async read(tenant: string): Promise<CorsPolicyOptions> {
    this.reads++;
    const origins = this.origins.get(tenant) ?? [];
    await this.held;
    return { origin: origins };
  }
}

@Injectable()
class TenantPolicy implements CorsPolicyProvider {
  constructor(private readonly store: TenantStore) {}
  getPolicy(request: CorsRequest) {
    return this.store.read(this.cacheKey(request));
  }
  cacheKey(request: CorsRequest) {
    return String(request.headers['x-tenant']);
  }
}

@Injectable()
class UnusedPolicy implements CorsPolicyProvider {
  getPolicy() {
    return false as const;
  }
}

@Controller('orders')
@CorsPolicy(TenantPolicy)
class OrdersController {
  @Get()
  list() {
    return [];
  }
}

describe.each(ADAPTERS)('CorsService.invalidate() (%s)', (adapter) => {
  let app: INestApplication;
  let store: TenantStore;
  let cors: CorsService;
  const boot = async (cache: boolean) => {
    app = await createTestApp({
      adapter,
      cors: CorsModule.forRoot(cache ? { providerCache: { ttl: 60_000 } } : {}),
      controllers: [OrdersController],
      providers: [TenantStore, TenantPolicy, UnusedPolicy],
    });
    store = app.get(TenantStore);
    cors = app.get(CorsService);
  };
  afterEach(() => app.close());

  const allowOrigin = async (tenant: string, origin: string) =>
    (
      await http(app)
        .get('/orders')
        .set('Origin', origin)
        .set('X-Tenant', tenant)
    ).headers['access-control-allow-origin'];

  it('drops one key: that tenant gets its new origins, the others stay cached', async () => {
    await boot(true);
    expect(await allowOrigin('shop', SHOP)).toBe(SHOP);
    expect(await allowOrigin('blog', BLOG)).toBe(BLOG);
    store.origins.set('shop', ['https://shop.example.net']);
    expect(await allowOrigin('shop', SHOP)).toBe(SHOP);
    expect(store.reads).toBe(2);

    expect(cors.invalidate(TenantPolicy, 'shop')).toBe(1);

    expect(await allowOrigin('shop', SHOP)).toBeUndefined();
    expect(await allowOrigin('blog', BLOG)).toBe(BLOG);
    expect(store.reads).toBe(3);
  });

  it('drops every answer of the provider without a key', async () => {
    await boot(true);
    await allowOrigin('shop', SHOP);
    await allowOrigin('blog', BLOG);
    expect(cors.invalidate(TenantPolicy)).toBe(2);
    await allowOrigin('shop', SHOP);
    await allowOrigin('blog', BLOG);
    expect(store.reads).toBe(4);
    expect(cors.invalidate(TenantPolicy, 'nobody')).toBe(0);
  });

  it('does not cache an answer that was being computed while it ran', async () => {
    await boot(true);
    let release!: () => void;
    store.held = new Promise((resolve) => (release = resolve));
    const during = allowOrigin('shop', SHOP);
    while (store.reads === 0) await new Promise(setImmediate);
    store.origins.set('shop', []);
    cors.invalidate(TenantPolicy, 'shop');
    release();
    store.held = undefined;

    expect(await during).toBe(SHOP);
    expect(await allowOrigin('shop', SHOP)).toBeUndefined();
    expect(store.reads).toBe(2);
  });

  it('asks the provider on every request without providerCache, and drops nothing', async () => {
    await boot(false);
    await allowOrigin('shop', SHOP);
    expect(cors.invalidate(TenantPolicy, 'shop')).toBe(0);
    await allowOrigin('shop', SHOP);
    expect(store.reads).toBe(2);
  });

  it('throws for a class that is no route, rule or gateway provider', async () => {
    await boot(true);
    expect(() => cors.invalidate(UnusedPolicy)).toThrow(
      'UnusedPolicy is not the CORS policy provider of any route, path rule or gateway',
    );
  });
});
