import { describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  Injectable,
  type INestApplication,
} from '@nestjs/common';
import {
  type CorsDecisionEvent,
  CorsModule,
  type CorsModuleOptions,
  CorsPolicy,
  type CorsPolicyProvider,
  CorsService,
} from '../../src/index.js';
import { corsHeaders } from '../support/answers.js';
import { http, preflight } from '../support/requests.js';
import {
  type AdapterName,
  ADAPTERS,
  createTestApp,
} from '../support/test-app.js';

const APP = 'https://app.example.com';
const PARTNER = 'https://partner.example.org';
const EVIL = 'https://evil.example.net';

@Injectable()
class PartnerPolicy implements CorsPolicyProvider {
  getPolicy() {
    return Promise.resolve({ origin: [PARTNER] });
  }
}

@Controller('items')
class ItemsController {
  @Get()
  list() {
    return 'items';
  }

  @Get('partners')
  @CorsPolicy(PartnerPolicy)
  partners() {
    return 'partners';
  }
}

/** An app whose every decision event is recorded. */
async function observedApp(
  adapter: AdapterName,
  options: Partial<CorsModuleOptions> = {},
): Promise<{ app: INestApplication; events: CorsDecisionEvent[] }> {
  const events: CorsDecisionEvent[] = [];
  const app = await createTestApp({
    adapter,
    cors: CorsModule.forRoot({
      default: { origin: [APP, PARTNER], allowedHeaders: ['content-type'] },
      onDecision: (event) => events.push(event),
      ...options,
    }),
    controllers: [ItemsController],
    providers: [PartnerPolicy],
  });
  return { app, events };
}

/** Waits until `events` has `count` entries: report-only comparisons settle after the response. */
async function settled(events: CorsDecisionEvent[], count: number) {
  while (events.length < count) await new Promise(setImmediate);
  return events;
}

describe.each(ADAPTERS)(
  'a debug mode that tells the browser why (%s)',
  (adapter) => {
    it('adds no CORS-Denied header by default', async () => {
      const { app } = await observedApp(adapter);
      const res = await preflight(app, '/items', APP, 'GET', 'x-debug');
      expect([res.status, res.headers['cors-denied']]).toEqual([
        403,
        undefined,
      ]);
      await app.close();
    });

    it('names the code, the reason and the policy, switched at run time', async () => {
      const { app } = await observedApp(adapter, { debug: true });
      const refused = await preflight(app, '/items', APP, 'GET', 'x-debug');
      expect(refused.headers['cors-denied']).toBe(
        'header_not_allowed: header "x-debug" not allowed (policy default)',
      );
      const denied = await http(app).get('/items').set('Origin', EVIL);
      expect(denied.headers['cors-denied']).toBe(
        'origin_not_allowed: origin not allowed (policy default)',
      );
      app.get(CorsService).setDebug(false);
      const quiet = await http(app).get('/items').set('Origin', EVIL);
      expect(quiet.headers['cors-denied']).toBeUndefined();
      await app.close();
    });

    it('never reflects request input unescaped', async () => {
      const { app } = await observedApp(adapter, { debug: true });
      for (const origin of [`${APP}\u00e9`, 'https://x.example"\\', APP]) {
        const res = await preflight(
          app,
          '/items',
          origin,
          'GET',
          'content-type,x-"evil',
        );
        const header = String(res.headers['cors-denied']);
        expect([origin, /^[\x20-\x7e]*$/.test(header), header]).toEqual([
          origin,
          true,
          expect.not.stringContaining(origin),
        ]);
      }
      await app.close();
    });
  },
);

describe.each(ADAPTERS)('decision events (%s)', (adapter) => {
  it('reports each decision with its route, policy, origin and reason code', async () => {
    const { app, events } = await observedApp(adapter);
    await http(app).get('/items').set('Origin', APP);
    await preflight(app, '/items', EVIL, 'GET');
    expect(events).toEqual([
      {
        kind: 'decision',
        route: 'ItemsController#list',
        policy: 'default',
        origin: APP,
        preflight: false,
        allowed: true,
        code: 'allowed',
        reason: 'allowed',
      },
      {
        kind: 'decision',
        route: 'ItemsController#list',
        policy: 'default',
        origin: EVIL,
        preflight: true,
        allowed: false,
        code: 'origin_not_allowed',
        reason: 'origin not allowed',
      },
    ]);
    await app.close();
  });

  it('times decisions that asked a provider, and escapes the origin', async () => {
    const { app, events } = await observedApp(adapter);
    await http(app).get('/items/partners').set('Origin', PARTNER);
    expect(events.at(-1)).toMatchObject({
      route: 'ItemsController#partners',
      policy: 'PartnerPolicy',
      allowed: true,
      durationMs: expect.any(Number),
    });
    await http(app).get('/items').set('Origin', 'https://a.example\tx');
    expect(events.at(-1)?.origin).toBe('https://a.example\\u0009x');
    await app.close();
  });

  it('contains a listener that throws', async () => {
    const app = await createTestApp({
      adapter,
      cors: CorsModule.forRoot({
        default: { origin: [APP] },
        onDecision: () => {
          throw new Error('metrics are down');
        },
      }),
      controllers: [ItemsController],
      providers: [PartnerPolicy],
    });
    const res = await http(app).get('/items').set('Origin', APP);
    expect([res.status, corsHeaders(res.headers)]).toEqual([
      200,
      { 'access-control-allow-origin': APP },
    ]);
    await app.close();
  });
});

describe.each(ADAPTERS)('report-only policies (%s)', (adapter) => {
  const candidateApp = (reportOnly: CorsModuleOptions['default']) =>
    observedApp(adapter, {
      default: {
        origin: [APP, PARTNER],
        reportOnly: reportOnly as never,
      },
    });

  it('answers with the enforced policy, and reports where the candidate would deny', async () => {
    const { app, events } = await candidateApp({ origin: [APP] });
    const res = await http(app).get('/items').set('Origin', PARTNER);
    expect(corsHeaders(res.headers)).toEqual({
      'access-control-allow-origin': PARTNER,
    });
    expect((await settled(events, 2))[1]).toEqual({
      kind: 'report-only',
      route: 'ItemsController#list',
      policy: 'default (report-only)',
      origin: PARTNER,
      preflight: false,
      allowed: false,
      code: 'origin_not_allowed',
      reason: 'origin not allowed',
      enforced: { allowed: true, code: 'allowed' },
    });
    await http(app).get('/items').set('Origin', APP);
    await new Promise(setImmediate);
    expect(events.filter((event) => event.kind === 'report-only')).toHaveLength(
      1,
    );
    await app.close();
  });

  it('reports where the candidate would allow what is denied', async () => {
    const { app, events } = await candidateApp({
      origin: [APP, PARTNER, EVIL],
    });
    const res = await http(app).get('/items').set('Origin', EVIL);
    expect(corsHeaders(res.headers)).toEqual({});
    expect((await settled(events, 2))[1]).toMatchObject({
      kind: 'report-only',
      allowed: true,
      enforced: { allowed: false, code: 'origin_not_allowed' },
    });
    await app.close();
  });

  it('contains a candidate whose origin function throws', async () => {
    const { app, events } = await candidateApp({
      origin: () => {
        throw new Error('candidate broken');
      },
    });
    const res = await http(app).get('/items').set('Origin', APP);
    expect([res.status, corsHeaders(res.headers)]).toEqual([
      200,
      { 'access-control-allow-origin': APP },
    ]);
    expect((await settled(events, 2))[1]).toMatchObject({
      kind: 'report-only',
      allowed: false,
      code: 'origin_function_failed',
    });
    await app.close();
  });

  it('shows both answers in explain()', async () => {
    const { app } = await candidateApp({ origin: [APP] });
    expect(
      await app
        .get(CorsService)
        .explain({ method: 'GET', path: '/items', origin: PARTNER }),
    ).toMatchObject({
      allowed: true,
      code: 'allowed',
      reportOnly: {
        allowed: false,
        code: 'origin_not_allowed',
        reason: 'origin not allowed',
      },
    });
    await app.close();
  });
});
