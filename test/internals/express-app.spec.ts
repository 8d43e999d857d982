import { describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express, Router } from 'express';
import { IncomingMessage, METHODS, type ServerResponse } from 'node:http';
import request from 'supertest';
import type { ExpressLayer } from '../../src/nest/internals/express-route-index.js';
import {
  countExpressMiddleware,
  expressRouteLayers,
  expressRouterOf,
  giveExpressRequestPrototype,
  interceptExpressRequests,
  layerMadeBy,
  replaceRouteHandlers,
} from '../../src/nest/internals/express-app.js';
import {
  adapterPackage,
  appOn,
  type Handler,
  recordCalls,
  ROUTE_METHOD_NAMES,
} from './framework.js';
import { http } from '../support/requests.js';

/*
 * Canaries of src/nest/internals/express-app.ts: what the module relies on in Express 5, as
 * Nest's Express adapter runs it.
 */

type Next = (error?: unknown) => void;
type ExpressFactory = (() => Express) & { Router(): Router };
const express = adapterPackage<ExpressFactory>('express', 'express');
const cors = adapterPackage<() => Handler>('express', 'cors');

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return 'things';
  }
}

/** The Express app under a Nest app on Express. */
const expressOf = (app: INestApplication) =>
  (app.getHttpAdapter() as ExpressAdapter).getInstance<Express>();

/** Makes every middleware and route layer of `app`'s router record its name in `ran` when Express calls it. */
function recordLayers(app: unknown, ran: string[]): void {
  expressRouterOf(app).stack.forEach((layer, index) => {
    const held = layer as ExpressLayer & { handle: Handler; name?: string };
    const handle = held.handle;
    // Error handlers take four parameters: Express tells them apart by their length.
    if (handle.length > 3) return;
    const name = layer.route
      ? `route ${String(layer.route.path)}`
      : `layer ${index}`;
    held.handle = function (this: unknown, ...args: unknown[]) {
      ran.push(name);
      return handle.apply(this, args);
    };
  });
}

describe('interceptExpressRequests', () => {
  it("Express hands each request to app.handle() before its router's first middleware, and handle's proceed() goes on through the router", async () => {
    const app = await appOn(new ExpressAdapter(), [ThingsController], {
      configure: (app) =>
        app.use((_req: unknown, _res: unknown, next: Next) => next()),
    });
    const ran: string[] = [];
    recordLayers(expressOf(app), ran);
    interceptExpressRequests(expressOf(app), (req, _res, callback, proceed) => {
      ran.push(`handle ${req.url} ${typeof callback}`);
      proceed();
    });
    const found = await http(app).get('/things');
    expect(found.text).toBe('things');
    expect(ran[0]).toBe('handle /things undefined');
    expect(ran.slice(1, 3)).toEqual(['layer 0', 'layer 1']);
    expect(ran).toContain('route /things');
    ran.length = 0;
    expect((await http(app).get('/nowhere')).status).toBe(404);
    expect(ran[0]).toBe('handle /nowhere undefined');
    expect(ran.length).toBeGreaterThan(1);
    await app.close();
  });

  it('Express hands an app mounted in another app the request with a callback that goes back to the outer app', async () => {
    const inner = new ExpressAdapter().getInstance<Express>();
    const outer = express();
    const seen: Array<Next | undefined> = [];
    interceptExpressRequests(inner, (_req, _res, callback, proceed) => {
      seen.push(callback);
      proceed();
    });
    inner.get('/inner', (_req, res) => void res.send('inner'));
    outer.use(inner);
    outer.get('/outer', (_req, res) => void res.send('outer'));
    expect((await request(outer).get('/inner')).text).toBe('inner');
    expect((await request(outer).get('/outer')).text).toBe('outer');
    expect(seen).toHaveLength(2);
    expect(seen.every((callback) => typeof callback === 'function')).toBe(true);
  });
});

describe('giveExpressRequestPrototype', () => {
  it("Express gives the request its app's app.request prototype as it takes it, not before app.handle(); given it there, Nest's adapter reads the hostname", async () => {
    const adapter = new ExpressAdapter();
    const app = await appOn(adapter, [ThingsController]);
    const instance = expressOf(app);
    const prototypes: Array<[string, object | null]> = [];
    const hostnames: unknown[] = [];
    interceptExpressRequests(instance, (req, _res, _callback, proceed) => {
      prototypes.push(['handle', Object.getPrototypeOf(req) as object | null]);
      giveExpressRequestPrototype(instance, req);
      hostnames.push(adapter.getRequestHostname(req));
      proceed();
    });
    const first = expressRouterOf(instance).stack[0] as ExpressLayer & {
      handle: Handler;
    };
    const handle = first.handle;
    first.handle = function (this: unknown, ...args: unknown[]) {
      prototypes.push(['router', Object.getPrototypeOf(args[0]) as object]);
      return handle.apply(this, args);
    };
    await http(app).get('/things').set('Host', 'api.example.com:8080');
    expect(prototypes).toEqual([
      ['handle', IncomingMessage.prototype],
      ['router', instance.request],
    ]);
    expect(hostnames).toEqual(['api.example.com']);
    await app.close();
  });
});

describe('expressRouterOf', () => {
  it('Express keeps its layers in app.router.stack, in registration order, and tries them in that order', async () => {
    const instance = express();
    const ran: string[] = [];
    const pass =
      (name: string) => (_req: unknown, _res: unknown, next: Next) => {
        ran.push(name);
        next();
      };
    const first = pass('first middleware');
    const route = pass('first route');
    const second = pass('second middleware');
    instance.use(first);
    instance.get('/x', route);
    instance.use(second);
    instance.get('/x', (_req, res) => {
      ran.push('second route');
      res.end();
    });
    const { stack } = expressRouterOf(instance) as unknown as {
      stack: Array<{
        handle: unknown;
        route?: { stack: Array<{ handle: unknown }> };
      }>;
    };
    expect(
      stack.map((layer) => layer.route?.stack[0]!.handle ?? layer.handle),
    ).toEqual([first, route, second, expect.any(Function)]);
    await request(instance).get('/x');
    expect(ran).toEqual([
      'first middleware',
      'first route',
      'second middleware',
      'second route',
    ]);
  });

  it("reads the router of Nest's Express app, which holds the routes Nest registered", async () => {
    const app = await appOn(new ExpressAdapter(), [ThingsController]);
    expect(expressRouterOf(expressOf(app))).toBe(expressOf(app).router);
    expect(
      expressRouterOf(expressOf(app)).stack.some(
        (layer) => layer.route?.path === '/things',
      ),
    ).toBe(true);
    await app.close();
  });
});

describe('expressRouteLayers', () => {
  it("Express's route layers are the layers of app.router.stack with a route, the middleware ones have none, in the order Express tries them", async () => {
    const app = await appOn(new ExpressAdapter(), [ThingsController], {
      configure: (app) => {
        app.use((_req: unknown, _res: unknown, next: Next) => next());
        const raw = (
          app.getHttpAdapter() as ExpressAdapter
        ).getInstance<Express>();
        raw.get('/raw', (_req, res) => void res.send('raw'));
      },
    });
    const layers = expressRouteLayers(expressOf(app));
    expect(layers.map((layer) => layer.route!.path)).toEqual([
      '/raw',
      '/things',
    ]);
    expect(layers.map((layer) => layer.route!.methods)).toEqual([
      { get: true },
      { get: true },
    ]);
    const { stack } = expressRouterOf(expressOf(app));
    expect(stack.filter((layer) => !layer.route).length).toBeGreaterThan(0);
    expect(layers.map((layer) => stack.indexOf(layer))).toEqual(
      [...layers.map((layer) => stack.indexOf(layer))].sort((a, b) => a - b),
    );
    await app.close();
  });
});

describe('layerMadeBy', () => {
  it.each(ROUTE_METHOD_NAMES)(
    "registering a route with Nest's adapter method %s() makes exactly one layer, at the end of the stack, holding the handler",
    (method) => {
      const adapter = new ExpressAdapter();
      const router = expressRouterOf(adapter.getInstance());
      const handler = (_req: unknown, _res: unknown, next: Next) => next();
      const before = router.stack.length;
      const { layer } = layerMadeBy(router, () =>
        (adapter as unknown as Record<string, Handler>)[method]!.call(
          adapter,
          '/made',
          handler,
        ),
      );
      expect(router.stack).toHaveLength(before + 1);
      expect(layer).toBe(router.stack.at(-1));
      expect(layer!.route!.path).toBe('/made');
      // all() holds the handler once per method: the same function each time.
      expect([
        ...new Set(layer!.route!.stack.map((item) => item.handle)),
      ]).toEqual([handler]);
      // Express's all() sets each method Node knows, which is how a lookup by method finds it.
      expect(Object.keys(layer!.route!.methods).sort()).toEqual(
        method === 'all'
          ? METHODS.map((name) => name.toLowerCase()).sort()
          : [method],
      );
    },
  );

  it('Nest registers each of its routes with one call that makes one layer, holding the handler it was handed', async () => {
    const adapter = new ExpressAdapter();
    const router = expressRouterOf(adapter.getInstance());
    const made: Array<{ layer: ExpressLayer | undefined; handler: unknown }> =
      [];
    const get = adapter.get.bind(adapter);
    adapter.get = ((...args: unknown[]) =>
      made.push({
        layer: layerMadeBy(router, () => (get as Handler)(...args)).layer,
        handler: args.at(-1),
      })) as typeof adapter.get;
    const app = await appOn(adapter, [ThingsController]);
    expect(made).toHaveLength(1);
    expect(made[0]!.layer!.route!.stack[0]!.handle).toBe(made[0]!.handler);
    await app.close();
  });
});

describe('replaceRouteHandlers', () => {
  it("Express calls the handle held in layer.route.stack[i] with (req, res, next): a replacement set there runs instead of Nest's handler", async () => {
    const adapter = new ExpressAdapter();
    const calls = recordCalls(adapter, ['get']);
    const app = await appOn(adapter, [ThingsController]);
    const [layer] = expressRouteLayers(expressOf(app));
    expect(layer!.route!.stack.map((item) => item.handle)).toEqual([
      calls[0]!.args.at(-1),
    ]);
    const seen: unknown[][] = [];
    replaceRouteHandlers(
      layer!,
      (handler) =>
        function (this: unknown, req, res, next) {
          seen.push([req.url, typeof res.setHeader, typeof next]);
          return handler.call(this, req, res, next);
        },
    );
    expect((await http(app).get('/things')).text).toBe('things');
    expect(seen).toEqual([['/things', 'function', 'function']]);
    await app.close();
  });

  it('an all-method route holds its handler in route.stack once per method, which replace() gets once', async () => {
    const instance = new ExpressAdapter().getInstance<Express>();
    const handler = (_req: unknown, res: ServerResponse) => void res.end('all');
    instance.all('/any', handler);
    const [layer] = expressRouteLayers(instance);
    expect(layer!.route!.stack.length).toBeGreaterThan(1);
    const replaced: unknown[] = [];
    replaceRouteHandlers(layer!, (held) => {
      replaced.push(held);
      return function (this: unknown, req, res, next) {
        res.setHeader('X-Replaced', 'yes');
        return held.call(this, req, res, next);
      };
    });
    expect(replaced).toEqual([handler]);
    for (const method of ['get', 'post', 'delete'] as const) {
      const response = await request(instance)[method]('/any');
      expect(response.headers['x-replaced']).toBe('yes');
    }
  });

  it('Express calls a handler of four parameters only with an error, the error first, and does not hand it to replace()', async () => {
    const instance = new ExpressAdapter().getInstance<Express>();
    const failure = new Error('failed');
    const handled: unknown[] = [];
    instance.get(
      '/fails',
      (_req: unknown, _res: unknown, next: Next) => next(failure),
      (error: unknown, _req: unknown, res: ServerResponse, next: Next) => {
        handled.push(error, typeof next);
        res.end('handled');
      },
    );
    const [layer] = expressRouteLayers(instance);
    const replaced: unknown[] = [];
    replaceRouteHandlers(layer!, (handler) => {
      replaced.push(handler);
      return handler;
    });
    expect(replaced).toHaveLength(1);
    expect((await request(instance).get('/fails')).text).toBe('handled');
    expect(handled).toEqual([failure, 'function']);
  });
});

describe('countExpressMiddleware', () => {
  const isCors = (middleware: { name: string }) =>
    middleware.name === 'corsMiddleware';

  it("app.use(cors()) adds a layer without a route whose handle is the cors package's function, named corsMiddleware", async () => {
    const middleware = cors();
    const app = await appOn(new ExpressAdapter(), [ThingsController], {
      configure: (app) => app.use(middleware),
    });
    const layers = expressRouterOf(expressOf(app)).stack as Array<
      ExpressLayer & { handle: Handler }
    >;
    const found = layers.filter((layer) => layer.handle === middleware);
    expect(found).toHaveLength(1);
    expect(found[0]!.route).toBeUndefined();
    expect(middleware.name).toBe('corsMiddleware');
    expect(countExpressMiddleware(expressOf(app), isCors)).toBe(1);
    await app.close();
  });

  it('a router mounted with app.use() is a layer without a route whose handle is the router, with a stack of its own', async () => {
    const router = express.Router();
    router.use(cors());
    const app = await appOn(new ExpressAdapter(), [ThingsController], {
      configure: (app) => app.use('/api', router),
    });
    const layers = expressRouterOf(expressOf(app)).stack as Array<
      ExpressLayer & { handle: unknown }
    >;
    const mounted = layers.find((layer) => layer.handle === router);
    expect(mounted?.route).toBeUndefined();
    expect(Array.isArray((mounted?.handle as { stack?: unknown }).stack)).toBe(
      true,
    );
    expect(countExpressMiddleware(expressOf(app), isCors)).toBe(1);
    await app.close();
  });

  it("Nest's Express adapter mounts one cors middleware per app.enableCors() call", async () => {
    const app = await appOn(new ExpressAdapter(), [ThingsController], {
      configure: (app) => {
        app.enableCors();
        app.enableCors({ origin: 'https://a.test' });
      },
    });
    expect(countExpressMiddleware(expressOf(app), isCors)).toBe(2);
    await app.close();
  });
});
