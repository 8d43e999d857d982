import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import {
  Controller,
  Get,
  type INestApplication,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { ServeStaticModule } from '@nestjs/serve-static';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type Express, type Request, type Response } from 'express';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  CorsConfigurationError,
  CorsModule,
  type CorsModuleOptions,
  CorsPolicy,
  type CorsPolicyRef,
  CorsService,
} from '../../src/index.js';
import { allows, corsHeaders, expectAnswer } from '../support/answers.js';
import { http, preflight } from '../support/requests.js';
import {
  type AdapterName,
  ADAPTERS,
  createTestApp,
} from '../support/test-app.js';
import { letJestLoadFastifyStatic } from '../support/fastify-static-in-jest.js';
import { RecordingLogger } from '../support/recording-logger.js';

/*
 * Routes that no controller owns. GraphQL, Swagger, static files, raw `app.use()` handlers
 * and health checks are mounted by their packages (or by the user) straight on Express or
 * Fastify; the `paths` option gives them policies. Every package here is the real one, on
 * both adapters. One test-environment exception, in its helper: under Jest on Node < 24.9,
 * `@fastify/static` gets a CommonJS build of its `content-disposition`.
 */
letJestLoadFastifyStatic();

const SPA = 'https://spa.example.com';
const APP = 'https://app.example.com';
const TOOLS = 'https://tools.example.com';
const OWN = 'https://own.example.com';
const OTHER = 'https://other.example.net';

/** The default of every app here: it allows APP, and would allow it on every door. */
const DEFAULT = { origin: [APP] };
const SPA_POLICY = { origin: [SPA], credentials: true };
const ALL_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

const get = (app: INestApplication, path: string, origin: string) =>
  http(app).get(path).set('Origin', origin);

@Resolver()
class HelloResolver {
  @Query(() => String)
  hello() {
    return 'world';
  }
}

/** A controller whose paths a `/docs*` rule also covers. */
@Controller('docs-admin')
class DocsAdminController {
  @Get()
  list() {
    return 'admin';
  }

  @Get('own')
  @CorsPolicy({ origin: [OWN] })
  own() {
    return 'own';
  }
}

describe.each(ADAPTERS)(
  'GraphQL with the Apollo driver, under a paths rule (%s)',
  (adapter) => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createTestApp({
        bootstrap: 'nest-factory',
        adapter,
        cors: CorsModule.forRoot({
          default: DEFAULT,
          policies: { spa: SPA_POLICY },
          paths: [{ path: '/graphql', policy: 'spa' }],
        }),
        imports: [
          GraphQLModule.forRoot<ApolloDriverConfig>({
            driver: ApolloDriver,
            autoSchemaFile: true,
            graphiql: false,
          }),
        ],
        providers: [HelloResolver],
      });
    });
    afterAll(() => app.close());

    const query = (origin: string) =>
      http(app)
        .post('/graphql')
        .set('Origin', origin)
        .send({ query: '{ hello }' });

    it("answers a JSON POST query from the spa origin with its data and spa's headers", async () => {
      const res = await query(SPA);
      expectAnswer(
        res,
        200,
        allows(SPA, true),
        JSON.stringify({ data: { hello: 'world' } }) + '\n',
      );
    });

    it("answers the query's preflight with spa's policy", async () => {
      const res = await preflight(app, '/graphql', SPA, 'POST', 'content-type');
      expectAnswer(res, 204, {
        ...allows(SPA, true),
        'access-control-allow-methods': ALL_METHODS,
        'access-control-allow-headers': 'content-type',
      });
    });

    it("gives the default's origin nothing: no CORS headers on the query, 403 on its preflight", async () => {
      const res = await query(APP);
      const pre = await preflight(app, '/graphql', APP, 'POST', 'content-type');
      expectAnswer(res, 200, {});
      expectAnswer(pre, 403, {});
    });

    it('keeps the rule for a GET query: the query string is not part of the path', async () => {
      const res = await get(app, '/graphql?query=%7Bhello%7D', SPA).set(
        'Apollo-Require-Preflight',
        'true',
      );
      expectAnswer(
        res,
        200,
        allows(SPA, true),
        JSON.stringify({ data: { hello: 'world' } }) + '\n',
      );
    });

    it('explains the endpoint as the rule’s, with the policy it names', async () => {
      const cors = app.get(CorsService);
      expect(
        await cors.explain({
          method: 'POST',
          path: '/graphql',
          origin: SPA,
        }),
      ).toEqual({
        route: 'paths /graphql',
        policy: 'spa',
        preflight: false,
        allowed: true,
        reason: 'allowed',
        code: 'allowed',
        headers: allows(SPA, true),
        vary: 'Origin',
      });
      expect(
        await cors.explain({
          method: 'OPTIONS',
          path: '/graphql',
          origin: APP,
          requestMethod: 'POST',
        }),
      ).toMatchObject({
        route: 'paths /graphql',
        policy: 'spa',
        preflight: true,
        allowed: false,
        reason: 'origin not allowed',
        status: 403,
        headers: {},
      });
    });
  },
);

describe.each(ADAPTERS)(
  'Swagger UI and its document, under a paths rule (%s)',
  (adapter) => {
    const swagger = (app: INestApplication) =>
      SwaggerModule.setup(
        'docs',
        app,
        SwaggerModule.createDocument(
          app,
          new DocumentBuilder().setTitle('Orders').build(),
        ),
      );
    const docsApp = (policy: CorsPolicyRef | false, logger?: RecordingLogger) =>
      createTestApp({
        bootstrap: 'nest-factory',
        adapter,
        cors: CorsModule.forRoot({
          default: DEFAULT,
          paths: [{ path: '/docs*', policy }],
        }),
        controllers: [DocsAdminController],
        appOptions: { logger },
        configure: swagger,
      });

    const logger = new RecordingLogger();
    /** `/docs*` read by the tools origin. */
    let tools: INestApplication;
    /** `/docs*` without CORS. */
    let closed: INestApplication;
    beforeAll(async () => {
      tools = await docsApp({ origin: [TOOLS] }, logger);
      closed = await docsApp(false);
    });
    afterAll(async () => {
      await tools.close();
      await closed.close();
    });

    it("lets the rule's origin read the JSON document (/docs-json)", async () => {
      const res = await get(tools, '/docs-json', TOOLS);
      expectAnswer(res, 200, allows(TOOLS));
      expect(res.body).toMatchObject({
        openapi: '3.0.0',
        info: { title: 'Orders' },
      });
    });

    it("gives the UI page and its assets the rule's policy too", async () => {
      for (const path of ['/docs', '/docs/swagger-ui.css']) {
        const res = await get(tools, path, TOOLS);
        expect([path, res.status, corsHeaders(res.headers)]).toEqual([
          path,
          200,
          allows(TOOLS),
        ]);
      }
    });

    it('replaces the default under its path: the default’s origin reads nothing there', async () => {
      expectAnswer(await get(tools, '/docs-json', APP), 200, {});
    });

    it('with policy false, sends no CORS headers although the default allows the origin', async () => {
      expectAnswer(await get(closed, '/docs-json', APP), 200, {});
      expectAnswer(await get(closed, '/docs', APP), 200, {});
    });

    it('with policy false, leaves preflights to the app (which has no OPTIONS route there: 404)', async () => {
      expectAnswer(await preflight(closed, '/docs-json', APP, 'GET'), 404, {});
    });

    it("gives a 404 under the rule the rule's policy, and a 404 elsewhere the default", async () => {
      expectAnswer(await get(closed, '/docs/unknown', APP), 404, {});
      expectAnswer(
        await get(tools, '/docs/unknown', TOOLS),
        404,
        allows(TOOLS),
      );
      expectAnswer(await get(closed, '/nowhere', APP), 404, allows(APP));
      expectAnswer(await get(tools, '/nowhere', TOOLS), 404, {});
    });

    it('leaves controller routes under the rule’s path their own policies', async () => {
      expectAnswer(
        await get(tools, '/docs-admin', APP),
        200,
        allows(APP),
        'admin',
      );
      expectAnswer(await get(tools, '/docs-admin', TOOLS), 200, {}, 'admin');
      expectAnswer(
        await preflight(tools, '/docs-admin', TOOLS, 'GET'),
        403,
        {},
      );
      expectAnswer(
        await get(tools, '/docs-admin/own', OWN),
        200,
        allows(OWN),
        'own',
      );
      expectAnswer(
        await get(closed, '/docs-admin', APP),
        200,
        allows(APP),
        'admin',
      );
    });

    it('warns at bootstrap that the rule also covers those controller routes, and only them', () => {
      const warnings = logger.lines.filter((line) => line.startsWith('warn '));
      expect(warnings).toEqual([
        expect.stringMatching(
          /^warn paths\[0\] › path: "\/docs\*" also covers .*DocsAdminController#list/,
        ),
      ]);
      expect(warnings[0]).toContain('DocsAdminController#own');
    });

    it('explains the document as the rule’s, and the controller route as its own', async () => {
      const explain = (app: INestApplication, path: string, origin: string) =>
        app.get(CorsService).explain({ method: 'GET', path, origin });
      expect(await explain(tools, '/docs-json', TOOLS)).toMatchObject({
        route: 'paths /docs*',
        policy: 'paths /docs*',
        allowed: true,
        headers: allows(TOOLS),
      });
      expect(await explain(closed, '/docs/unknown', APP)).toEqual({
        route: 'paths /docs*',
        policy: null,
        preflight: false,
        allowed: false,
        reason: 'no CORS policy applies to this route',
        code: null,
        headers: {},
      });
      expect(await explain(tools, '/docs-admin', APP)).toMatchObject({
        route: 'DocsAdminController#list',
        policy: 'default',
        allowed: true,
      });
    });
  },
);

describe.each(ADAPTERS)(
  'static files of @nestjs/serve-static, under a paths rule (%s)',
  (adapter) => {
    let root: string;
    let covered: INestApplication;
    let uncovered: INestApplication;
    const staticApp = (paths: CorsModuleOptions['paths']) =>
      createTestApp({
        bootstrap: 'nest-factory',
        adapter,
        cors: CorsModule.forRoot({ default: DEFAULT, paths }),
        imports: [
          ServeStaticModule.forRoot({ rootPath: root, serveRoot: '/static' }),
        ],
      });
    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'cors-static-'));
      writeFileSync(join(root, 'hello.txt'), 'hello');
      covered = await staticApp([
        { path: '/static*', policy: { origin: '*' } },
      ]);
      uncovered = await staticApp([{ path: '/assets*', policy: false }]);
    });
    afterAll(async () => {
      await covered.close();
      await uncovered.close();
      rmSync(root, { recursive: true, force: true });
    });

    it("gives a file the rule's Access-Control-Allow-Origin: *", async () => {
      expectAnswer(
        await get(covered, '/static/hello.txt', OTHER),
        200,
        { 'access-control-allow-origin': '*' },
        'hello',
      );
    });

    it("answers a file's preflight, and a missing file's 404, from the rule", async () => {
      expectAnswer(
        await preflight(covered, '/static/hello.txt', OTHER, 'GET'),
        204,
        {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': ALL_METHODS,
        },
      );
      expectAnswer(await get(covered, '/static/missing.txt', OTHER), 404, {
        'access-control-allow-origin': '*',
      });
    });

    it('gives a file no rule covers the default', async () => {
      expectAnswer(
        await get(uncovered, '/static/hello.txt', APP),
        200,
        allows(APP),
        'hello',
      );
      expectAnswer(
        await get(uncovered, '/static/hello.txt', OTHER),
        200,
        {},
        'hello',
      );
    });
  },
);

/**
 * Raw handlers a user or an auth library mounts straight on the adapter's instance, and a
 * mounted sub-application (an Express app, or a Fastify plugin).
 */
function mountRawHandlers(app: INestApplication, adapter: AdapterName): void {
  if (adapter === 'express') {
    app.use('/auth', (_req: Request, res: Response) => res.end('ok'));
    const instance = app.getHttpAdapter().getInstance() as Express;
    instance.get('/health', (_req, res) => res.end('healthy'));
    instance.get('/metrics', (_req, res) => res.end('metrics'));
    const legacy = express();
    legacy.get('/ping', (_req, res) => res.send('pong'));
    instance.use('/legacy', legacy);
  } else {
    const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
    fastify.route({
      method: ['GET', 'POST'],
      url: '/auth/*',
      handler: (_req, reply: FastifyReply) => reply.send('ok'),
    });
    fastify.get('/health', (_req, reply) => reply.send('healthy'));
    fastify.get('/metrics', (_req, reply) => reply.send('metrics'));
    void fastify.register(
      (legacy: FastifyInstance, _options, done: () => void) => {
        legacy.get('/ping', (_req, reply) => reply.send('pong'));
        done();
      },
      { prefix: '/legacy' },
    );
  }
}

describe.each(ADAPTERS)(
  'raw handlers (app.use, routes on the instance), under paths rules (%s)',
  (adapter) => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createTestApp({
        bootstrap: 'nest-factory',
        adapter,
        cors: CorsModule.forRoot({
          default: DEFAULT,
          policies: { spa: SPA_POLICY },
          paths: [
            { path: '/auth/admin*', policy: false },
            { path: '/auth*', policy: 'spa' },
            { path: '/health', policy: { origin: '*' } },
          ],
        }),
        configure: (nest) => mountRawHandlers(nest, adapter),
      });
    });
    afterAll(() => app.close());

    it("gives a covered handler the rule's policy, preflight included", async () => {
      const post = await http(app).post('/auth/login').set('Origin', SPA);
      expectAnswer(post, 200, allows(SPA, true), 'ok');
      expectAnswer(
        await preflight(app, '/auth/login', SPA, 'POST', 'content-type'),
        204,
        {
          ...allows(SPA, true),
          'access-control-allow-methods': ALL_METHODS,
          'access-control-allow-headers': 'content-type',
        },
      );
      expectAnswer(
        await get(app, '/health', OTHER),
        200,
        { 'access-control-allow-origin': '*' },
        'healthy',
      );
    });

    it('tries the rules in order: the first that covers the path wins', async () => {
      expectAnswer(await get(app, '/auth/admin/keys', SPA), 200, {}, 'ok');
      expectAnswer(await get(app, '/auth/admin/keys', APP), 200, {}, 'ok');
      expectAnswer(
        await preflight(app, '/auth/admin/keys', SPA, 'POST'),
        adapter === 'express' ? 200 : 404,
        {},
      );
    });

    it('gives a handler no rule covers the default', async () => {
      expectAnswer(
        await get(app, '/metrics', APP),
        200,
        allows(APP),
        'metrics',
      );
      expectAnswer(await get(app, '/metrics', SPA), 200, {}, 'metrics');
    });

    it('gives a mounted sub-application no rule covers the default', async () => {
      expectAnswer(
        await get(app, '/legacy/ping', APP),
        200,
        allows(APP),
        'pong',
      );
      expectAnswer(await get(app, '/legacy/ping', SPA), 200, {}, 'pong');
    });

    it('gives /AUTH, which a lenient router serves as /auth, only what both the /auth* rule and the default allow', async () => {
      // Express mounts `app.use('/auth')` case-insensitively, so its handler runs; Fastify's
      // route is case-sensitive, so it is a 404. Either way, neither origin is allowed by both.
      const status = adapter === 'express' ? 200 : 404;
      expectAnswer(await get(app, '/AUTH/login', SPA), status, {});
      expectAnswer(await get(app, '/AUTH/login', APP), status, {});
    });
  },
);

describe('Express apps run as middleware (express)', () => {
  /** An Express app that sets its own CORS header, then passes every request on. */
  const permissive = () => {
    const inner = express();
    inner.use((_req, res, next) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      next();
    });
    return inner;
  };

  @Controller('wrapped')
  class WrappedController {
    @Get()
    get() {
      return 'ok';
    }
  }

  @Module({ controllers: [WrappedController] })
  class ConsumerModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      consumer.apply(permissive()).forRoutes('*');
    }
  }

  it.each([
    ['through MiddlewareConsumer', { imports: [ConsumerModule] }, undefined],
    [
      'through app.use()',
      { controllers: [WrappedController] },
      (app: INestApplication) => {
        const inner = permissive();
        app.use((req: Request, res: Response, next: () => void) =>
          inner(req, res, next),
        );
      },
    ],
  ])(
    'leave the CORS headers to the route policy %s',
    async (_, parts, configure) => {
      const app = await createTestApp({
        bootstrap: 'nest-factory',
        adapter: 'express',
        cors: CorsModule.forRoot({ default: DEFAULT }),
        ...parts,
        configure: configure,
      });
      try {
        expectAnswer(await get(app, '/wrapped', APP), 200, allows(APP), 'ok');
        expectAnswer(await get(app, '/wrapped', OTHER), 200, {}, 'ok');
      } finally {
        await app.close();
      }
    },
  );
});

describe.each([true, false])(
  'headers a raw route hands to writeHead(), X-Powered-By set: %s (express)',
  (poweredBy) => {
    const FORGED = [
      'X-A',
      '1',
      'Vary',
      'Accept',
      'Access-Control-Allow-Origin',
      '*',
    ];
    const pairs = Array.from(
      { length: FORGED.length / 2 },
      (_, i): [string, string] => [FORGED[2 * i]!, FORGED[2 * i + 1]!],
    );
    const asObject = Object.fromEntries(pairs);
    type Form = [string, (res: ServerResponse) => void];
    const FORMS: Form[] = [
      ['an object', (res) => res.writeHead(200, asObject)],
      [
        'a status message and an object',
        (res) => res.writeHead(200, 'Fine', asObject),
      ],
      ['a flat list', (res) => res.writeHead(200, FORGED)],
      [
        'a status message and a flat list',
        (res) => res.writeHead(200, 'Fine', FORGED),
      ],
      [
        'a status message, with headers set before',
        (res) => {
          for (const [name, value] of pairs) res.setHeader(name, value);
          res.writeHead(200, 'Fine');
        },
      ],
      [
        'an object with a name in two cases',
        (res) => res.writeHead(200, { ...asObject, 'x-a': '2' }),
      ],
      [
        'an object with a name in two cases, a CORS header set before',
        (res) => {
          res.setHeader('Access-Control-Allow-Origin', '*');
          res.writeHead(200, { ...asObject, 'x-a': '2' });
        },
      ],
      // Node 20 takes a list of pairs only where no header is set before.
      ...(poweredBy
        ? []
        : [['a list of pairs', (res) => res.writeHead(200, pairs)] as Form]),
    ];
    /** What Node itself sends for `write`, on a server the module does not decide for. */
    const plain = createServer((req, res) => {
      if (poweredBy) res.setHeader('X-Powered-By', 'Express');
      FORMS[Number(req.url!.slice(1))]![1](res);
      res.end('ok');
    });
    let app: INestApplication;
    beforeAll(async () => {
      app = await createTestApp({
        bootstrap: 'nest-factory',
        adapter: 'express',
        cors: CorsModule.forRoot({ default: DEFAULT }),
        configure: (nest) => {
          const instance = nest.getHttpAdapter().getInstance() as Express;
          if (!poweredBy) instance.disable('x-powered-by');
          FORMS.forEach(([, write], i) =>
            instance.get(`/${i}`, (_req, res) => {
              write(res);
              res.end('ok');
            }),
          );
        },
      });
    });
    afterAll(() => app.close());

    /** Status message and headers but for CORS's, `Vary` and those of the connection. */
    const rest = (res: request.Response) => ({
      statusMessage: (res as unknown as { res: IncomingMessage }).res
        .statusMessage,
      headers: Object.fromEntries(
        Object.entries(res.headers).filter(
          ([name]) =>
            !/^(access-control-|vary$|date$|connection$|keep-alive$)/.test(
              name,
            ),
        ),
      ),
    });

    it.each(FORMS.map(([form], i) => [form, i] as const))(
      'are written as Node writes them, with the decision in place of forged CORS headers: %s',
      async (_, i) => {
        const node = await request(plain).get(`/${i}`).set('Origin', APP);
        expect(node.headers['access-control-allow-origin']).toBe('*');
        for (const [origin, cors] of [
          [APP, allows(APP)],
          [OTHER, {}],
        ] as const) {
          const res = await get(app, `/${i}`, origin);
          expectAnswer(res, 200, cors, 'ok');
          expect(rest(res)).toEqual(rest(node));
          expect(res.headers.vary).toBe('Accept, Origin');
        }
      },
    );
  },
);

describe('other HTTP servers of the process (express)', () => {
  it('answer as they would without the module, while an app with it runs', async () => {
    const app = await createTestApp({
      bootstrap: 'nest-factory',
      adapter: 'express',
      cors: CorsModule.forRoot({ default: DEFAULT }),
    });
    const other = createServer((_req, res) => {
      res.setHeader('Access-Control-Allow-Origin', 'https://mine.example');
      res.writeHead(200, { Vary: 'Accept' });
      res.end('other');
    });
    try {
      expectAnswer(await get(app, '/nowhere', APP), 404, allows(APP));
      const res = await request(other).get('/').set('Origin', APP);
      expectAnswer(
        res,
        200,
        { 'access-control-allow-origin': 'https://mine.example' },
        'other',
      );
      expect(res.headers.vary).toBe('Accept');
    } finally {
      await app.close();
    }
  });
});

describe.each(ADAPTERS)('paths rules without a default (%s)', (adapter) => {
  it('are the only CORS such an app has, besides decorators', async () => {
    const app = await createTestApp({
      bootstrap: 'nest-factory',
      adapter,
      cors: CorsModule.forRoot({
        paths: [{ path: '/health', policy: { origin: [APP] } }],
      }),
      configure: (nest) => mountRawHandlers(nest, adapter),
    });
    try {
      expectAnswer(await get(app, '/health', APP), 200, allows(APP), 'healthy');
      expectAnswer(await get(app, '/metrics', APP), 200, {}, 'metrics');
      expectAnswer(await get(app, '/nowhere', APP), 404, {});
    } finally {
      await app.close();
    }
  });
});

describe.each(ADAPTERS)(
  'paths rules are checked at bootstrap (%s)',
  (adapter) => {
    const bootstrapError = async (
      paths: CorsModuleOptions['paths'],
    ): Promise<CorsConfigurationError> => {
      const error: unknown = await createTestApp({
        adapter,
        cors: CorsModule.forRoot({
          default: DEFAULT,
          policies: { spa: SPA_POLICY },
          paths,
        }),
      }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(CorsConfigurationError);
      return error as CorsConfigurationError;
    };

    it('refuses a path without its leading slash, saying how to write it', async () => {
      const error = await bootstrapError([{ path: 'graphql', policy: 'spa' }]);
      expect(error.message).toContain(
        `paths[0] › path: "graphql" is not a path: write one that starts with '/', e.g. '/graphql' or '/docs*'`,
      );
      expect(error.issues).toHaveLength(1);
    });

    it("refuses a '*' anywhere but at the end, saying how to write it", async () => {
      const error = await bootstrapError([
        { path: '/docs*', policy: false },
        { path: '/a*b', policy: 'spa' },
      ]);
      expect(error.message).toContain(
        `paths[1] › path: "/a*b" has a '*' before its end: '*' may only end a pattern, as in '/docs*'`,
      );
      expect(error.issues).toHaveLength(1);
    });

    it('refuses an unknown policy name, listing the known ones', async () => {
      const error = await bootstrapError([
        { path: '/graphql', policy: 'nope' },
      ]);
      expect(error.message).toContain(
        'paths[0] › policy: no policy is named "nope"; known policies: spa',
      );
      expect(error.issues).toHaveLength(1);
    });
  },
);
