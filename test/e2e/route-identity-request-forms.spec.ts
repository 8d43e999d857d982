import {
  Controller,
  Get,
  type INestApplication,
  Put,
  QueryMethod,
  Search,
} from '@nestjs/common';
import Fastify from 'fastify';
import { CorsPolicy } from '../../src/index.js';
import { APP, cors, named } from '../fixtures/route-identity.js';
import { allows, expectAnswer, preflightAllows } from '../support/answers.js';
import { preflight, rawRequest, send } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';

/*
 * Requests in the forms a router reads leniently or unusually: paths a user's Fastify router
 * options match (case, trailing slash, `;`, `//`), the QUERY and SEARCH methods, request
 * targets with a fragment or in absolute form. Each gets the policy of the handler it reaches.
 */

const ADMIN = 'https://admin.example.com';

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
