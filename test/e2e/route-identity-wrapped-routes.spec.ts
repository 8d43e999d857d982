import {
  Controller,
  Delete,
  Get,
  type INestApplication,
  Post,
  type Type,
} from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Express, NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { CorsPolicy } from '../../src/index.js';
import {
  APP,
  cors,
  instrumentRoutes,
  named,
  P,
  Q,
  versionedApp,
} from '../fixtures/route-identity.js';
import { allows, expectAnswer, preflightAllows } from '../support/answers.js';
import { NEST_12 } from '../support/nest-features.js';
import { preflight, send } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';

/*
 * Routes that something besides Nest changes: a Fastify onRoute hook that replaces their
 * config, a middleware that overrides the method, an instrumentation that wraps their
 * handlers, a raw route's own error handlers, Nest 12's CSRF check answering before the
 * handler. Each response still gets the policy of its route.
 */

const ADMIN = 'https://admin.example.com';
const PARTNER = 'https://partner.example.org';

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

describe('Express only', () => {
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
