import { describe, expect, it } from '@jest/globals';
import {
  Controller,
  Delete,
  type INestApplication,
  Param,
  Post,
  VersioningType,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import methodOverride from 'method-override';
import { CorsModule, CorsPolicy, CorsService } from '../../src/index.js';
import { corsHeaders } from '../support/answers.js';
import { http } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';

const SPA = 'http://localhost:5173';
const ADMIN = 'https://admin.example.com';
const V1_APP = 'https://v1.example.com';
const V2_APP = 'https://v2.example.com';

/** The handlers that ran, in order: what an attacker must never reach. */
const ran: string[] = [];

@Controller('orders')
class OrdersController {
  @Post(':id')
  update(@Param('id') id: string) {
    ran.push(`update ${id}`);
    return 'updated';
  }

  @Delete(':id')
  @CorsPolicy('admin')
  remove(@Param('id') id: string) {
    ran.push(`remove ${id}`);
    return 'removed';
  }
}

@Controller('admin')
@CorsPolicy('admin')
class AdminController {
  @Post('users')
  createUser() {
    ran.push('create user');
    return 'created';
  }
}

@Controller({ path: 'items', version: '1' })
@CorsPolicy({ origin: [V1_APP], credentials: true })
class ItemsV1Controller {
  @Post()
  create() {
    ran.push('items v1');
    return 'v1';
  }
}

@Controller({ path: 'items', version: '2' })
@CorsPolicy({ origin: [V2_APP], credentials: true })
class ItemsV2Controller {
  @Post()
  create() {
    ran.push('items v2');
    return 'v2';
  }
}

/** A global middleware that serves `//` as `/`, as some apps normalise paths. */
function collapseSlashes(req: Request, _res: Response, next: NextFunction) {
  req.url = req.url.replace(/\/{2,}/g, '/');
  next();
}

type Setup = (app: INestApplication) => void;
const csrf: Setup = (app) =>
  app.enableCsrfProtection({ exclude: app.get(CorsService).trustedForCsrf });
const override: Setup = (app) => {
  app.use(methodOverride('_method'));
  app.use(methodOverride('X-HTTP-Method-Override'));
};
const rewrite: Setup = (app) => app.use(collapseSlashes);

/** Each registration order of the middleware against Nest's CSRF check. */
const ORDERS: Array<[string, Setup[]]> = [
  ['before the CSRF check', [override, rewrite, csrf]],
  ['after the CSRF check', [csrf, override, rewrite]],
];

/** A credentialed, cross-site, state-changing request as a browser sends it. */
const crossSite = (
  app: INestApplication,
  method: 'post' | 'delete',
  path: string,
  origin: string,
) =>
  http(app)
    [method](path)
    .set({ Origin: origin, 'Sec-Fetch-Site': 'cross-site' });

describe.each(ADAPTERS)(
  'the CSRF bridge confirmed where the handler runs (%s)',
  (adapter) => {
    describe.each(ORDERS)('with middleware %s', (_order, setups) => {
      let app: INestApplication;
      beforeAll(async () => {
        app = await createTestApp({
          adapter,
          cors: CorsModule.forRoot({
            default: { origin: [SPA], credentials: true },
            policies: { admin: { origin: [ADMIN], credentials: true } },
          }),
          controllers: [
            OrdersController,
            AdminController,
            ItemsV1Controller,
            ItemsV2Controller,
          ],
          configure: (nest) => {
            nest.enableVersioning({
              type: VersioningType.HEADER,
              header: 'X-API-Version',
            });
            for (const setup of setups) setup(nest);
          },
        });
      });
      afterAll(() => app.close());
      beforeEach(() => {
        ran.length = 0;
      });

      it('issue 22 case 1: a method override to an admin-only route is refused before its handler', async () => {
        const viaQuery = await crossSite(
          app,
          'post',
          '/orders/7?_method=DELETE',
          SPA,
        );
        const viaHeader = await crossSite(app, 'post', '/orders/8', SPA).set(
          'X-HTTP-Method-Override',
          'DELETE',
        );
        const expected =
          adapter === 'express'
            ? // Express routes the overridden method: the admin handler would run.
              [403, {}]
            : // Fastify routes before any middleware: the POST handler runs, as the SPA may.
              [
                201,
                {
                  'access-control-allow-origin': SPA,
                  'access-control-allow-credentials': 'true',
                },
              ];
        expect([viaQuery.status, corsHeaders(viaQuery.headers)]).toEqual(
          expected,
        );
        expect([viaHeader.status, corsHeaders(viaHeader.headers)]).toEqual(
          expected,
        );
        expect(ran).toEqual(
          adapter === 'express' ? [] : ['update 7', 'update 8'],
        );
      });

      it('issue 22 case 1: the legitimate writes still pass', async () => {
        const spa = await crossSite(app, 'post', '/orders/7', SPA);
        const admin = await crossSite(app, 'delete', '/orders/10', ADMIN);
        expect([spa.status, corsHeaders(spa.headers)]).toEqual([
          201,
          {
            'access-control-allow-origin': SPA,
            'access-control-allow-credentials': 'true',
          },
        ]);
        expect([admin.status, corsHeaders(admin.headers)]).toEqual([
          200,
          {
            'access-control-allow-origin': ADMIN,
            'access-control-allow-credentials': 'true',
          },
        ]);
        expect(ran).toEqual(['update 7', 'remove 10']);
      });

      it('issue 22 cases 1 and 2: a rewritten request is trusted only as it was sent, failing closed', async () => {
        const overridden = await crossSite(
          app,
          'post',
          '/orders/9?_method=DELETE',
          ADMIN,
        );
        const rewritten = await crossSite(app, 'post', '/admin//users', ADMIN);
        expect([overridden.status, rewritten.status]).toEqual([403, 403]);
        expect(ran).toEqual([]);
      });

      it('issue 22 case 2: a path a middleware rewrites to an admin-only route is refused before its handler', async () => {
        const res = await crossSite(app, 'post', '/admin//users', SPA);
        expect([res.status, corsHeaders(res.headers)]).toEqual(
          adapter === 'express'
            ? [403, {}]
            : // Fastify routes before any middleware: `/admin//users` is a 404 there.
              [
                404,
                {
                  'access-control-allow-origin': SPA,
                  'access-control-allow-credentials': 'true',
                },
              ],
        );
        expect(ran).toEqual([]);
      });

      it('issue 22 case 7: the version that runs decides, on both adapters', async () => {
        const v1 = await crossSite(app, 'post', '/items', V1_APP).set(
          'X-API-Version',
          '1',
        );
        const v2 = await crossSite(app, 'post', '/items', V1_APP).set(
          'X-API-Version',
          '2',
        );
        const v2Own = await crossSite(app, 'post', '/items', V2_APP).set(
          'X-API-Version',
          '2',
        );
        expect([v1.status, v1.text, corsHeaders(v1.headers)]).toEqual([
          201,
          'v1',
          {
            'access-control-allow-origin': V1_APP,
            'access-control-allow-credentials': 'true',
          },
        ]);
        expect([v2.status, corsHeaders(v2.headers)]).toEqual([403, {}]);
        expect([v2Own.status, v2Own.text]).toEqual([201, 'v2']);
        expect(ran).toEqual(['items v1', 'items v2']);
      });
    });
  },
);

describe('the CSRF prediction for a path read two ways (express)', () => {
  it('trusts only what both paths rules allow, so a router mounted with app.use() that nothing wraps never runs for an origin one of them refuses', async () => {
    const admin = express.Router();
    admin.post('/delete', (_req, res) => {
      ran.push('admin router');
      res.send('deleted');
    });
    const app = await createTestApp({
      cors: CorsModule.forRoot({
        default: { origin: [SPA], credentials: true },
        paths: [{ path: '/admin*', policy: false }],
      }),
      configure: (nest) => {
        csrf(nest);
        nest.use('/admin', admin);
      },
    });
    ran.length = 0;
    const res = await crossSite(app, 'post', '/ADMIN/delete', SPA);
    expect([res.status, corsHeaders(res.headers)]).toEqual([403, {}]);
    expect(ran).toEqual([]);
    await app.close();
  });
});
