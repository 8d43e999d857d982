import { Controller, Get, type INestApplication } from '@nestjs/common';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { CorsModule, CorsPolicy } from '../../src/index.js';
import { http } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';
import { freePort } from '../support/free-port.js';
import {
  CorsInvalidationBus,
  REDIS_URL,
} from '../fixtures/cors-invalidation-bus.js';
import {
  TENANT_DATABASE,
  TenantOrigins,
  type TenantDatabase,
} from '../fixtures/tenant-origins.js';

const OLD = 'https://shop.example.com';
const NEW = 'https://shop.example.net';

@Controller('orders')
@CorsPolicy(TenantOrigins)
class OrdersController {
  @Get()
  list() {
    return [];
  }
}

/** Starts Debian's `redis-server` on `port`, without persistence, once it accepts connections. */
async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  redis.once('error', (error) => (output += String(error)));
  for await (const chunk of redis.stdout) {
    output += String(chunk);
    if (output.includes('Ready to accept connections')) return redis;
  }
  throw new Error(
    `redis-server exited before it was ready (CI installs it with apt-get):\n${output}`,
  );
}

describe.each(ADAPTERS)(
  'invalidation broadcast through Redis to two instances (%s)',
  (adapter) => {
    let redis: ChildProcess | undefined;
    let instances: [INestApplication, INestApplication];
    const database: TenantDatabase = new Map([['shop', [OLD]]]);

    beforeAll(async () => {
      const port = await freePort();
      redis = await startRedis(port);
      const instance = () =>
        createTestApp({
          adapter,
          cors: CorsModule.forRoot({
            providerCache: { ttl: 10 * 60_000 },
          }),
          controllers: [OrdersController],
          providers: [
            TenantOrigins,
            CorsInvalidationBus,
            { provide: TENANT_DATABASE, useValue: database },
            { provide: REDIS_URL, useValue: `redis://127.0.0.1:${port}` },
          ],
        });
      instances = await Promise.all([instance(), instance()]);
    }, 30_000);
    afterAll(async () => {
      await Promise.all((instances ?? []).map((app) => app.close()));
    });
    afterAll(async () => {
      if (!redis || redis.exitCode !== null) return;
      redis.kill();
      await once(redis, 'exit');
    });

    const allowed = async (app: INestApplication, origin: string) =>
      (
        await http(app)
          .get('/orders')
          .set('Origin', origin)
          .set('X-Tenant', 'shop')
      ).headers['access-control-allow-origin'] === origin;

    it('reaches both instances from one publish, where the TTL alone would take ten minutes', async () => {
      for (const app of instances) expect(await allowed(app, OLD)).toBe(true);

      database.set('shop', [NEW]);
      for (const app of instances) {
        expect(await allowed(app, NEW)).toBe(false);
        expect(await allowed(app, OLD)).toBe(true);
      }

      const start = process.hrtime.bigint();
      await instances[0].get(CorsInvalidationBus).publish('shop');
      const reached = async (app: INestApplication) => {
        while (!(await allowed(app, NEW))) await sleep(1);
        return (Number(process.hrtime.bigint() - start) / 1e6).toFixed(1);
      };
      const [first, second] = await Promise.all(instances.map(reached));
      console.log(
        `${adapter}: an invalidation published on instance 1 reached instance 1 in ${first} ms and instance 2 in ${second} ms`,
      );
      for (const app of instances) expect(await allowed(app, OLD)).toBe(false);
    });
  },
);
