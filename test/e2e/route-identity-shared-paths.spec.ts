import {
  Controller,
  Get,
  type INestApplication,
  type NestApplicationOptions,
  Put,
} from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CorsPolicy } from '../../src/index.js';
import {
  APP,
  cors,
  named,
  P,
  Q,
  versionedApp,
} from '../fixtures/route-identity.js';
import { allows, expectAnswer, preflightAllows } from '../support/answers.js';
import { NEST_12 } from '../support/nest-features.js';
import { preflight, send } from '../support/requests.js';
import {
  type AdapterName,
  ADAPTERS,
  createTestApp,
} from '../support/test-app.js';

/*
 * Routes that share a path or a handler: versions of one path, a raw route next to a
 * parametric one, a handler inherited by two controllers, duplicate and host-bound routes.
 * Each request gets the policy of the handler that runs, each preflight what all the routes it
 * may reach allow.
 */

const PARTNER = 'https://partner.example.org';

describe.each(ADAPTERS)('header-versioned routes (%s)', (adapter) => {
  describe.each([
    [':itemId', '/items/7'],
    ['export', '/items/export'],
  ])('v1 :id next to v2 %s', (v2Path, path) => {
    let app: INestApplication;
    beforeAll(async () => (app = await versionedApp(adapter, v2Path)));
    afterAll(() => app.close());
    const del = (origin: string, version: string, deny = false) =>
      send(app, 'delete', path, origin, {
        'X-Api-Version': version,
        ...(deny ? { 'X-Deny': '1' } : {}),
      });

    it(`refuses a preflight for DELETE ${path} that either version's policy refuses`, async () => {
      for (const origin of [P, Q]) {
        const pre = preflight(app, path, origin, 'DELETE', 'x-api-version');
        expectAnswer(await pre, 403, {});
      }
    });

    it(`gives DELETE ${path} the policy of the version that runs`, async () => {
      expectAnswer(await del(P, '2'), 200, {}, 'v2');
      expectAnswer(await del(P, '1'), 200, allows(P, true), 'v1');
    });

    it(`gives the v2 guard's 403 on ${path} v2's policy, not v1's`, async () => {
      expectAnswer(await del(P, '2', true), 403, {});
      expectAnswer(await del(Q, '2', true), 403, allows(Q));
    });
  });
});

it('Fastify boots header-versioned routes whose parameters are named differently', async () => {
  const app = await versionedApp('fastify', ':itemId');
  const v2 = await send(app, 'delete', '/items/7', Q, { 'X-Api-Version': '2' });
  expectAnswer(v2, 200, allows(Q), 'v2');
  await app.close();
});

describe('a raw Fastify route next to a parametric controller route', () => {
  @Controller()
  @CorsPolicy({ origin: [PARTNER], credentials: true })
  class PagesController {
    @Get(':page')
    page() {
      return 'page';
    }
  }
  let app: INestApplication;
  beforeAll(async () => {
    app = await createTestApp({
      adapter: 'fastify',
      cors: cors(),
      controllers: [PagesController],
      configure: (app) =>
        (app as NestFastifyApplication)
          .getHttpAdapter()
          .getInstance()
          .get('/metrics', (_req, reply) => reply.send('m')),
    });
  });
  afterAll(() => app.close());

  it('GET /metrics gets the default policy, not the controller’s', async () => {
    expectAnswer(await send(app, 'get', '/metrics', PARTNER), 200, {}, 'm');
    const fromApp = await send(app, 'get', '/metrics', APP);
    expectAnswer(fromApp, 200, allows(APP, true), 'm');
    expectAnswer(await preflight(app, '/metrics', PARTNER, 'GET'), 403, {});
  });
});

const A = 'https://a.example.com';
const B = 'https://b.example.com';
class BaseController {
  @Get()
  list() {
    return this.constructor.name;
  }
}
@Controller('one')
@CorsPolicy({ origin: [A] })
class OneController extends BaseController {}
@Controller('two')
@CorsPolicy({ origin: [B] })
class TwoController extends BaseController {}

const REGISTRATIONS: Array<[string, NestApplicationOptions, AdapterName[]]> = [
  ['the default registration', {}, ['express', 'fastify']],
  // Nest 12 only: Nest 11 has neither option, and would ignore both.
  ...(NEST_12.routeOptions
    ? ([
        [
          "Nest 12's routeResolutionStrategy: 'specificity'",
          { routeResolutionStrategy: 'specificity' },
          ['express'],
        ],
        [
          "Nest 12's routeConflictPolicy: 'warn'",
          { routeConflictPolicy: { duplicate: 'warn', shadow: 'warn' } },
          ['express', 'fastify'],
        ],
      ] satisfies typeof REGISTRATIONS)
    : []),
];

describe.each(ADAPTERS)(
  'a handler inherited by two controllers (%s)',
  (adapter) => {
    const registrations = REGISTRATIONS.filter(([, , on]) =>
      on.includes(adapter),
    );
    it.each(registrations)(
      'under %s, /one answers A only and /two B only',
      async (_name, appOptions) => {
        const app = await createTestApp({
          adapter,
          cors: cors(),
          controllers: [OneController, TwoController],
          appOptions,
        });
        for (const [path, owner, origin, other] of [
          ['/one', 'OneController', A, B],
          ['/two', 'TwoController', B, A],
        ]) {
          const allowed = await send(app, 'get', path!, origin!);
          expectAnswer(allowed, 200, allows(origin!), owner);
          const denied = await send(app, 'get', path!, other!);
          expectAnswer(denied, 200, {}, owner);
          expectAnswer(await preflight(app, path!, other!, 'GET'), 403, {});
        }
        await app.close();
      },
    );
  },
);

describe('Express only', () => {
  it('answers a duplicate GET /dup with the first controller’s policy, as Express runs it', async () => {
    const app = await createTestApp({
      adapter: 'express',
      cors: cors(),
      controllers: [
        named('dup', { origin: [A] }, 'first'),
        named('dup', { origin: [B] }, 'second'),
      ],
    });
    expectAnswer(await send(app, 'get', '/dup', A), 200, allows(A), 'first');
    expectAnswer(await send(app, 'get', '/dup', B), 200, {}, 'first');
    expectAnswer(await preflight(app, '/dup', B, 'GET'), 403, {});
    await app.close();
  });
});

describe('host-bound routes that share a path (express)', () => {
  const A = 'https://a.example.com';
  const B = 'https://b.example.com';
  @Controller({ path: 'shared', host: 'a.example.com' })
  @CorsPolicy({ origin: [A], methods: ['PUT'] })
  class HostAController {
    @Put()
    put() {
      return 'a';
    }
  }
  @Controller({ path: 'shared', host: /^b\./ })
  @CorsPolicy({ origin: [B], methods: ['PUT'] })
  class HostBController {
    @Put()
    put() {
      return 'b';
    }
  }
  let app: INestApplication;
  beforeAll(async () => {
    app = await createTestApp({
      adapter: 'express',
      cors: cors(),
      controllers: [HostAController, HostBController],
    });
  });
  afterAll(() => app.close());

  it("answers a preflight from the routes its Host can reach: a host-bound route's own policy", async () => {
    const res = await preflight(app, '/shared', A, 'PUT').set(
      'Host',
      'a.example.com',
    );
    expectAnswer(res, 204, preflightAllows(A, 'PUT'));
  });

  it('keeps every route whose host filter may match in the preflight', async () => {
    const res = await preflight(app, '/shared', B, 'PUT').set(
      'Host',
      'a.example.com',
    );
    expectAnswer(res, 403, {});
    const other = await preflight(app, '/shared', B, 'PUT').set(
      'Host',
      'b.example.com',
    );
    expectAnswer(other, 204, preflightAllows(B, 'PUT'));
  });
});
