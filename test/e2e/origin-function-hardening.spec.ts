import { describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import {
  CorsModule,
  type CorsModuleOptions,
  type CorsOriginFunction,
} from '../../src/index.js';
import { expectAnswer } from '../support/answers.js';
import { http, preflight } from '../support/requests.js';
import {
  type AdapterName,
  ADAPTERS,
  createTestApp,
} from '../support/test-app.js';
import { mentioning } from '../support/mentioning.js';
import { RecordingLogger } from '../support/recording-logger.js';

const APP = 'https://app.example.com';

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return 'served';
  }
}

/** An app whose default policy asks `origin`, and what it logs from its first request on. */
async function appWith(
  adapter: AdapterName,
  origin: CorsOriginFunction,
  options: CorsModuleOptions = {},
): Promise<{ app: INestApplication; logger: RecordingLogger }> {
  const logger = new RecordingLogger();
  const app = await createTestApp({
    adapter,
    cors: CorsModule.forRoot({
      default: { origin, credentials: true },
      ...options,
    }),
    controllers: [ThingsController],
    appOptions: { logger },
  });
  logger.lines.length = 0;
  return { app, logger };
}

describe.each(ADAPTERS)('origin functions (%s)', (adapter) => {
  it('issue 22 case 3: one that never settles is denied after providerTimeout, and logged at ERROR with the route', async () => {
    const { app, logger } = await appWith(
      adapter,
      () => new Promise(() => {}),
      {
        providerTimeout: 50,
        debug: true,
      },
    );
    const started = Date.now();
    const res = await http(app).get('/things').set('Origin', APP);
    const elapsed = Date.now() - started;
    expectAnswer(res, 200, {}, 'served');
    expect(res.headers['cors-denied']).toBe(
      'origin_function_timeout: origin function timed out (policy default)',
    );
    expectAnswer(await preflight(app, '/things', APP, 'GET'), 403, {});
    // Bounded by the timeout, not by the test's own: it answers well within a second.
    expect(elapsed).toBeLessThan(1000);
    expect(logger.lines.filter((line) => line.startsWith('error'))).toEqual([
      mentioning(
        'error ',
        'origin function of policy "default" failed on ThingsController#list',
        'did not settle within 50 ms (providerTimeout)',
      ),
      mentioning(
        'error ',
        'origin function of policy "default" failed on ThingsController#list',
      ),
    ]);
    await app.close();
  });

  it('issue 22 case 6: a failure reaches the log at ERROR, and never the browser', async () => {
    const { app, logger } = await appWith(
      adapter,
      () => {
        throw new Error('db-host 10.0.0.5 unreachable');
      },
      { debug: true },
    );
    const res = await http(app).get('/things').set('Origin', APP);
    expectAnswer(res, 200, {}, 'served');
    expect(res.headers['cors-denied']).toBe(
      'origin_function_failed: origin function failed (policy default)',
    );
    expect(JSON.stringify(res.headers)).not.toContain('10.0.0.5');
    expect(logger.lines.filter((line) => line.startsWith('error'))).toEqual([
      mentioning(
        'error ',
        'origin function of policy "default" failed on ThingsController#list',
        'db-host 10.0.0.5 unreachable',
      ),
    ]);
    await app.close();
  });

  it('denies, and logs, a function that throws a value with no string form', async () => {
    const { app, logger } = await appWith(adapter, () => {
      throw Object.create(null);
    });
    expectAnswer(
      await http(app).get('/things').set('Origin', APP),
      200,
      {},
      'served',
    );
    expect(logger.lines.filter((line) => line.startsWith('error'))).toEqual([
      mentioning(
        'error ',
        'origin function of policy "default" failed on ThingsController#list',
      ),
    ]);
    await app.close();
  });
});

describe.each(ADAPTERS)('the denial log (%s)', (adapter) => {
  it('issue 22 case 5: escapes control characters, bounds the origin, and summarises a flood', async () => {
    const { app, logger } = await appWith(adapter, (origin) => origin === APP);
    const hostile = [
      'https://a.example.com\u009b31m',
      'https://a.example.com\tINFO forged',
      `https://${'a'.repeat(12_000)}.example.com`,
    ];
    for (const origin of hostile)
      await http(app).get('/things').set('Origin', origin);
    for (let i = 0; i < 30; i++)
      await http(app)
        .get('/things')
        .set('Origin', `https://evil${i}.example.net`);
    const denials = logger.lines.filter((line) => line.startsWith('debug'));
    expect(denials.slice(0, 2)).toEqual([
      mentioning('debug ', 'origin "https://a.example.com\\u009b31m"'),
      mentioning('debug ', 'origin "https://a.example.com\\u0009INFO forged"'),
    ]);
    expect(denials[2]).toContain('aaa...');
    // Printable ASCII only, and each line short whatever the origin's length.
    for (const line of denials) {
      expect(line).toMatch(/^[\x20-\x7e]*$/);
      expect(line.length).toBeLessThan(400);
    }
    // One line each for the first denials of a policy and reason in a minute, then none.
    expect(denials).toHaveLength(3 + 10);
    await app.close();
  });
});
