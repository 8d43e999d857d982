import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  type INestApplication,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import express, { type Express, type Request, type Response } from 'express';
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  CorsConfigurationError,
  CorsModule,
  type CorsModuleOptions,
} from '../../src/index.js';
import { allows, expectAnswer } from '../support/answers.js';
import { http, preflight } from '../support/requests.js';
import {
  type AdapterName,
  ADAPTERS,
  createTestApp,
} from '../support/test-app.js';

/*
 * Routes that no controller owns, mounted by the user or an auth library straight on Express
 * or Fastify: raw handlers, routes on the instance, mounted sub-applications, Express apps run
 * as middleware. The `paths` option gives them policies, and is checked at bootstrap.
 * Packages' routes: unowned-routes-packages.spec.ts.
 */

const SPA = 'https://spa.example.com';
const APP = 'https://app.example.com';
const OTHER = 'https://other.example.net';

/** The default of every app here: it allows APP, and would allow it on every door. */
const DEFAULT = { origin: [APP] };
const SPA_POLICY = { origin: [SPA], credentials: true };
const ALL_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

const get = (app: INestApplication, path: string, origin: string) =>
  http(app).get(path).set('Origin', origin);

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
