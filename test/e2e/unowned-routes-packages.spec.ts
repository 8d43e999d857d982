import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { ServeStaticModule } from '@nestjs/serve-static';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CorsModule,
  type CorsModuleOptions,
  CorsPolicy,
  type CorsPolicyRef,
  CorsService,
} from '../../src/index.js';
import { allows, corsHeaders, expectAnswer } from '../support/answers.js';
import { letJestLoadFastifyStatic } from '../support/fastify-static-in-jest.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { http, preflight } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';

/*
 * Routes that no controller owns, mounted by packages straight on Express or Fastify:
 * GraphQL, Swagger, static files. The `paths` option gives them policies. Every package here
 * is the real one, on both adapters, in an app bootstrapped with NestFactory.create(), as
 * ServeStaticModule needs. One test-environment exception, in its helper: under Jest on
 * Node < 24.9, `@fastify/static` gets a CommonJS build of its `content-disposition`.
 * The user's raw handlers are in unowned-routes-raw-handlers.spec.ts.
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
