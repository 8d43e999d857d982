import {
  type CanActivate,
  Controller,
  Delete,
  type ExecutionContext,
  ForbiddenException,
  Get,
  type INestApplication,
  type NestApplicationOptions,
  Post,
  Put,
  QueryMethod,
  Search,
  type Type,
  UseGuards,
  VersioningType,
} from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Express, NextFunction, Request, Response } from 'express';
import Fastify from 'fastify';
import type { IncomingMessage } from 'node:http';
import {
  CorsModule,
  CorsPolicy,
  type CorsPolicyOptions,
} from '../../src/index.js';
import { allows, expectAnswer, preflightAllows } from '../support/answers.js';
import { preflight, rawRequest, send } from '../support/requests.js';
import {
  type AdapterName,
  ADAPTERS,
  createTestApp,
} from '../support/test-app.js';
import { NEST_12 } from '../support/nest-features.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const PARTNER = 'https://partner.example.org';
const P = 'https://p.example.com';
const Q = 'https://q.example.com';

/** The module default of every app here: the app's origin, with credentials. */
const cors = () =>
  CorsModule.forRoot({ default: { origin: [APP], credentials: true } });

describe('a user-supplied Fastify instance with its own router options', () => {
  @Controller('admin')
  @CorsPolicy({ origin: [ADMIN], methods: ['PUT'] })
  class AdminController {
    @Get('users')
    users() {
      return 'admin users';
    }
    @Put('users')
    update() {}
  }
  @Controller('hooks')
  @CorsPolicy(false)
  class HooksController {
    @Get('internal')
    internal() {
      return 'internal';
    }
  }
  let app: INestApplication;
  beforeAll(async () => {
    const fastify = Fastify({
      ignoreTrailingSlash: true,
      caseSensitive: false,
      useSemicolonDelimiter: true,
      ignoreDuplicateSlashes: true,
    });
    app = await createTestApp({
      adapter: 'fastify',
      fastify,
      cors: cors(),
      controllers: [AdminController, HooksController],
    });
  });
  afterAll(() => app.close());

  it.each([
    ['/Admin/Users', 'admin users'],
    ['/admin/users;x', 'admin users'],
    ['//admin//users', 'admin users'],
    ['/hooks/internal/', 'internal'],
  ])(
    '%s from the app origin reaches its handler and gets that route’s answer: none',
    async (path, body) =>
      expectAnswer(await send(app, 'get', path, APP), 200, {}, body),
  );

  it('a preflight for PUT /admin/users/ follows the admin policy', async () => {
    expectAnswer(await preflight(app, '/admin/users/', APP, 'PUT'), 403, {});
    const allowed = await preflight(app, '/admin/users/', ADMIN, 'PUT');
    expectAnswer(allowed, 204, preflightAllows(ADMIN, 'PUT'));
  });
});

/** Refuses a request that asks for it with `X-Deny`, as an authorization guard would. */
class DenyOnAsk implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<IncomingMessage>();
    if (req.headers['x-deny']) throw new ForbiddenException();
    return true;
  }
}

/**
 * v1 `DELETE items/:id` under P, v2 `DELETE items/<v2Path>` under Q, with header versioning;
 * `instrumented`: with `instrumentRoutes()`.
 */
function versionedApp(
  adapter: AdapterName,
  v2Path: string,
  instrumented = false,
) {
  @Controller({ path: 'items', version: '1' })
  @CorsPolicy({ origin: [P], credentials: true })
  class ItemsV1Controller {
    @Delete(':id')
    remove() {
      return 'v1';
    }
  }
  @Controller({ path: 'items', version: '2' })
  @CorsPolicy({ origin: [Q] })
  @UseGuards(DenyOnAsk)
  class ItemsV2Controller {
    @Delete(v2Path)
    remove() {
      return 'v2';
    }
  }
  return createTestApp({
    adapter,
    cors: cors(),
    controllers: [ItemsV1Controller, ItemsV2Controller],
    configure: (app) => {
      app.enableVersioning({
        type: VersioningType.HEADER,
        header: 'X-Api-Version',
      });
      if (instrumented) instrumentRoutes(app);
    },
  });
}

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

describe("a Fastify onRoute hook that replaces each route's config", () => {
  @Controller('orders')
  @CorsPolicy({ origin: [PARTNER] })
  class OrdersController {
    @Post()
    create() {
      return 'created';
    }
  }
  let app: INestApplication;
  beforeAll(async () => {
    app = await createTestApp({
      adapter: 'fastify',
      cors: cors(),
      controllers: [OrdersController],
      configure: (app) =>
        (app as NestFastifyApplication)
          .getHttpAdapter()
          .getInstance()
          .addHook('onRoute', (options) => {
            options.config = { replaced: true };
          }),
    });
  });
  afterAll(() => app.close());

  it("still gives a response sent before the handler the route's policy", async () => {
    const res = await send(app, 'post', '/orders', PARTNER, {
      'Content-Type': 'application/json',
    }).send('{');
    expectAnswer(res, 400, allows(PARTNER));
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

/** A controller at `path` under `policy`, whose handler answers its name. */
function named(path: string, policy: CorsPolicyOptions, name: string): Type {
  @Controller(path)
  @CorsPolicy(policy)
  class NamedController {
    @Get()
    get() {
      return name;
    }
  }
  return NamedController;
}

/**
 * As tracing instrumentations do: each handler an Express route is given is replaced by a
 * function that calls it, with its string-keyed properties copied and not its metadata.
 */
function instrumentRoutes(app: INestApplication): void {
  const express = app.getHttpAdapter().getInstance() as {
    route(path: string): Record<string, Handler>;
  };
  const route = express.route.bind(express);
  express.route = (path) => {
    const made = route(path);
    const { get, delete: remove } = made;
    const instrumented = (register: Handler) =>
      function (this: unknown, ...handlers: unknown[]) {
        return register.apply(
          this,
          handlers.map((handler) =>
            Object.assign(
              function (this: unknown, ...args: unknown[]) {
                return (handler as Handler).apply(this, args);
              },
              Object.fromEntries(Object.entries(handler as object)),
            ),
          ),
        );
      };
    made.get = instrumented(get!);
    made.delete = instrumented(remove!);
    return made;
  };
}

/** A controller at `path` with CORS off, whose handler answers its path. */
function closed(path: string): Type {
  @Controller(path)
  @CorsPolicy(false)
  class ClosedController {
    @Get()
    get() {
      return path;
    }
  }
  return ClosedController;
}

type Handler = (this: unknown, ...args: unknown[]) => unknown;

describe.each(ADAPTERS)('QUERY and SEARCH routes (%s)', (adapter) => {
  const O = 'https://finder.example.com';
  @Controller('finder')
  @CorsPolicy({ origin: [O], methods: ['QUERY', 'SEARCH'] })
  class FinderController {
    @QueryMethod()
    query() {
      return 'query';
    }
    @Search()
    search() {
      return 'search';
    }
  }

  it.each(['QUERY', 'SEARCH'])(
    'allows a preflight for %s from the policy origin',
    async (method) => {
      const app = await createTestApp({
        adapter,
        cors: cors(),
        controllers: [FinderController],
      });
      const res = await preflight(app, '/finder', O, method);
      expectAnswer(res, 204, preflightAllows(O, 'QUERY,SEARCH'));
      expectAnswer(await preflight(app, '/finder', APP, method), 403, {});
      await app.close();
    },
  );
});

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

  it('gives a request whose method a middleware overrides the policy of the handler it reaches', async () => {
    @Controller()
    class ThingController {
      @Post('thing')
      create() {
        return 'post';
      }
      @Delete('thing')
      @CorsPolicy({ origin: [ADMIN] })
      remove() {
        return 'delete';
      }
    }
    const app = await createTestApp({
      adapter: 'express',
      cors: cors(),
      controllers: [ThingController],
      configure: (app) =>
        app.use((req: IncomingMessage, _res: unknown, next: () => void) => {
          const override = req.headers['x-http-method-override'];
          if (req.method === 'POST' && typeof override === 'string')
            req.method = override;
          next();
        }),
    });
    const override = { 'X-HTTP-Method-Override': 'DELETE' };
    const fromApp = await send(app, 'post', '/thing', APP, override);
    expectAnswer(fromApp, 200, {}, 'delete');
    const fromAdmin = await send(app, 'post', '/thing', ADMIN, override);
    expectAnswer(fromAdmin, 200, allows(ADMIN), 'delete');
    await app.close();
  });

  it('gives each route its own policy when an instrumentation wraps route handlers as Express registers them', async () => {
    const app = await createTestApp({
      adapter: 'express',
      cors: cors(),
      controllers: [
        named('partner', { origin: [PARTNER], methods: ['GET'] }, 'partner'),
        closed('closed'),
      ],
      configure: instrumentRoutes,
    });
    const partner = await send(app, 'get', '/partner', PARTNER);
    expectAnswer(partner, 200, allows(PARTNER), 'partner');
    expectAnswer(await send(app, 'get', '/partner', APP), 200, {}, 'partner');
    expectAnswer(await send(app, 'get', '/closed', APP), 200, {}, 'closed');
    const toPartner = (origin: string) =>
      preflight(app, '/partner', origin, 'GET');
    expectAnswer(await toPartner(APP), 403, {});
    expectAnswer(
      await toPartner(PARTNER),
      204,
      preflightAllows(PARTNER, 'GET'),
    );
    await app.close();

    const versioned = await versionedApp('express', ':itemId', true);
    for (const origin of [P, Q]) {
      const pre = preflight(
        versioned,
        '/items/7',
        origin,
        'DELETE',
        'x-api-version',
      );
      expectAnswer(await pre, 403, {});
    }
    const v1 = send(versioned, 'delete', '/items/7', P, {
      'X-Api-Version': '1',
    });
    expectAnswer(await v1, 200, allows(P, true), 'v1');
    await versioned.close();
  });

  it("leaves a raw route's error handlers to errors", async () => {
    const app = await createTestApp({
      adapter: 'express',
      cors: cors(),
      controllers: [],
      configure: (app) => {
        const express = app.getHttpAdapter().getInstance() as Express;
        express.get(
          '/raw',
          (_req: Request, _res: Response, next: NextFunction) =>
            next(new Error('refused')),
          (error: Error, _req: Request, res: Response, next: NextFunction) => {
            if (error.message !== 'refused') return next(error);
            res.status(418).send('handled');
          },
        );
      },
    });
    expectAnswer(
      await send(app, 'get', '/raw', APP),
      418,
      allows(APP, true),
      'handled',
    );
    await app.close();
  });

  it.each(['/admin/users#x', 'http://localhost/admin/users'])(
    'gives the request target %s the policy of the handler Express routes it to',
    async (target) => {
      const app = await createTestApp({
        adapter: 'express',
        cors: cors(),
        controllers: [
          named(
            'admin/users',
            { origin: [ADMIN], methods: ['GET'] },
            'admin users',
          ),
        ],
      });
      const res = await rawRequest(app, 'GET', target, { Origin: ADMIN });
      expectAnswer(res, 200, allows(ADMIN), 'admin users');
      const pre = await rawRequest(app, 'OPTIONS', target, {
        Origin: ADMIN,
        'Access-Control-Request-Method': 'GET',
      });
      expectAnswer(pre, 204, preflightAllows(ADMIN, 'GET'));
      await app.close();
    },
  );
});

// Nest 12 only: Nest 11 has no app.enableCsrfProtection().
if (NEST_12.csrfProtection)
  describe.each(ADAPTERS)("Nest 12's enableCsrfProtection (%s)", (adapter) => {
    it("gives its 403 for a cross-site POST the route policy's headers", async () => {
      const ran: string[] = [];
      @Controller('orders')
      @CorsPolicy({ origin: [PARTNER], credentials: true })
      class OrdersController {
        @Post()
        create() {
          ran.push('create');
        }
      }
      const app = await createTestApp({
        adapter,
        cors: cors(),
        controllers: [OrdersController],
        configure: (app) => app.enableCsrfProtection(),
      });
      const crossSite = { 'Sec-Fetch-Site': 'cross-site' };
      const partner = await send(app, 'post', '/orders', PARTNER, crossSite);
      expectAnswer(partner, 403, allows(PARTNER, true));
      const fromApp = await send(app, 'post', '/orders', APP, crossSite);
      expectAnswer(fromApp, 403, {});
      expect(ran).toEqual([]);
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
