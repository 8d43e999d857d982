import { describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  type HttpServer,
  Inject,
  Injectable,
  type INestApplication,
  Query,
  SetMetadata,
  VersioningType,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import {
  FastifyAdapter,
  RouteConfig,
  RouteConstraints,
  RouteSchema,
} from '@nestjs/platform-fastify';
import type { Express } from 'express';
import type { FastifyInstance } from 'fastify';
import type { RouteHandle } from '../../src/nest/route-handle.js';
import { CorsModule } from '../../src/index.js';
import {
  expressRouteLayers,
  replaceRouteHandlers,
} from '../../src/nest/internals/express-app.js';
import {
  becomeFirstRequestHook,
  interceptEnableCors,
  interceptNotFoundHandler,
  interceptRouteRegistrations,
  interceptVersionFilters,
  isVersionFilter,
  lookAlike,
  onHttpAdapter,
} from '../../src/nest/internals/nest-adapter.js';
import {
  appOn,
  type Call,
  everyMethodController,
  type Handler,
  handlerOf,
  type NestAdapter,
  newAdapter,
  recordCalls,
  REQUEST_METHODS,
  ROUTE_METHOD_NAMES,
} from './framework.js';
import { http } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';

/*
 * Canaries of src/nest/internals/nest-adapter.ts: what the module relies on in Nest's HTTP
 * adapters and in how Nest drives them.
 */

type Next = (error?: unknown) => void;
const MARK = 'internals-spec:mark';
const VERSION_HEADER = {
  type: VersioningType.HEADER,
  header: 'X-Version',
} as const;

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return 'things';
  }
}

@Controller({ path: 'things', version: '1' })
class VersionedController {
  @Get()
  @SetMetadata(MARK, 'kept')
  list() {
    return 'v1';
  }
}

@Controller({ path: 'things', version: '2' })
class Version2Controller {
  @Get()
  list() {
    return 'v2';
  }
}

const EveryMethodController = everyMethodController();

/** Bootstraps as users do, with CorsModule and header versioning, on `adapter` as the spec made it. */
function withCorsModule(
  adapter: NestAdapter,
  controllers: Array<new () => unknown>,
): Promise<INestApplication> {
  return createTestApp({
    bootstrap: 'nest-factory',
    httpAdapter: adapter,
    cors: CorsModule.forRoot({ default: { origin: ['https://a.test'] } }),
    controllers,
    configure: (app) => app.enableVersioning(VERSION_HEADER),
  });
}

describe('onHttpAdapter', () => {
  /** What a provider subscribed in its constructor saw: the adapter, and the routes registered by then. */
  const announced: Array<{ adapter: HttpServer; routes: number }> = [];
  let registered: Call[] = [];

  @Injectable()
  class Watcher {
    constructor(@Inject(HttpAdapterHost) host: HttpAdapterHost) {
      onHttpAdapter(host, (adapter) =>
        announced.push({ adapter, routes: registered.length }),
      );
    }
  }

  describe.each(ADAPTERS)('(%s)', (name) => {
    it.each(['nest-factory', 'testing-module'] as const)(
      'HttpAdapterHost.init$ announces the adapter once, before Nest registers any route (%s)',
      async (bootstrap) => {
        announced.length = 0;
        const adapter = newAdapter(name);
        registered = recordCalls(adapter, ['get']);
        const app = await createTestApp({
          bootstrap,
          httpAdapter: adapter,
          controllers: [ThingsController],
          providers: [Watcher],
        });
        try {
          expect(registered).toHaveLength(1);
          expect(announced).toEqual([{ adapter, routes: 0 }]);
          expect(app.getHttpAdapter()).toBe(adapter);
        } finally {
          await app.close();
        }
      },
    );
  });
});

describe.each(ADAPTERS)('interceptRouteRegistrations (%s)', (name) => {
  it("Nest has an adapter method for each RequestMethod, by its name in lower case, so never falls back to the adapter's use()", () => {
    const adapter = newAdapter(name) as unknown as Record<string, unknown>;
    expect(
      ROUTE_METHOD_NAMES.filter(
        (method) => typeof adapter[method] !== 'function',
      ),
    ).toEqual([]);
  });

  it('Nest registers the route of each RequestMethod through the adapter method of its name, with the path first and its handler last', async () => {
    const adapter = newAdapter(name);
    const calls = recordCalls(adapter, [...ROUTE_METHOD_NAMES, 'use']);
    const intercepted: unknown[][] = [];
    interceptRouteRegistrations(adapter, (original, self, args) => {
      intercepted.push(args);
      return original.apply(self, args);
    });
    const app = await appOn(adapter, [EveryMethodController]);
    try {
      const routes = calls.filter((call) => call.name !== 'use');
      expect(
        routes.map((call) => [call.name, call.args[0], typeof handlerOf(call)]),
      ).toEqual(
        REQUEST_METHODS.map((method) => [
          method.toLowerCase(),
          `/methods/${method.toLowerCase()}`,
          'function',
        ]),
      );
      expect(intercepted).toEqual(routes.map((call) => call.args));
      // The interception leaves Nest's handler serving the route.
      expect((await http(app).get('/methods/get')).text).toBe('GET');
      expect((await http(app).post('/methods/post')).text).toBe('POST');
    } finally {
      await app.close();
    }
  });

  it('hands each handler to the adapter method named after its RequestMethod, with the controller method metadata copied onto it', async () => {
    const adapter = newAdapter(name);
    const calls = recordCalls(adapter, [
      'get',
      'applyVersionFilter',
      'setNotFoundHandler',
    ]);
    const app = await withCorsModule(adapter, [VersionedController]);
    const handle = handlerOf(calls.find((call) => call.name === 'get')!);
    expect(Reflect.getMetadata(MARK, handle)).toBe('kept');
    await app.close();
  });
});

describe.each(ADAPTERS)('interceptVersionFilters (%s)', (name) => {
  it('Nest hands applyVersionFilter() each versioned handler, and the filter it returns calls that handler only for its version', async () => {
    const adapter = newAdapter(name);
    const wrapped: string[] = [];
    const ran: string[] = [];
    interceptVersionFilters(adapter, (handler) => {
      const version = String(wrapped.length + 1);
      wrapped.push(version);
      return function (this: unknown, ...args: unknown[]) {
        ran.push(version);
        return (handler as Handler).apply(this, args);
      };
    });
    const app = await appOn(
      adapter,
      [VersionedController, Version2Controller],
      {
        configure: (app) => app.enableVersioning(VERSION_HEADER),
      },
    );
    try {
      expect(wrapped).toEqual(['1', '2']);
      expect((await http(app).get('/things').set('X-Version', '1')).text).toBe(
        'v1',
      );
      expect((await http(app).get('/things').set('X-Version', '2')).text).toBe(
        'v2',
      );
      expect(
        (await http(app).get('/things').set('X-Version', '9')).status,
      ).toBe(404);
      expect((await http(app).get('/things')).status).toBe(404);
      expect(ran).toEqual(['1', '2']);
    } finally {
      await app.close();
    }
  });

  it('wraps versioned handlers through the adapter, and registers its 404 with setNotFoundHandler()', async () => {
    const adapter = newAdapter(name);
    const calls = recordCalls(adapter, [
      'get',
      'applyVersionFilter',
      'setNotFoundHandler',
    ]);
    const app = await withCorsModule(adapter, [VersionedController]);
    const names = calls.map((call) => call.name);
    expect(names).toContain('applyVersionFilter');
    expect(names).toContain('setNotFoundHandler');
    await app.close();
  });
});

describe('interceptVersionFilters (express)', () => {
  it("Express's version filter passes a request for another version on with next(), to the next route of the path", async () => {
    const adapter = new ExpressAdapter();
    interceptVersionFilters(adapter, (handler) => handler);
    const app = await appOn(
      adapter,
      [VersionedController, Version2Controller],
      {
        configure: (app) => app.enableVersioning(VERSION_HEADER),
      },
    );
    try {
      const passed: string[] = [];
      for (const layer of expressRouteLayers(adapter.getInstance<Express>())) {
        replaceRouteHandlers(
          layer,
          (handler) => (req, res, next) =>
            handler(req, res, (error?: unknown) => {
              passed.push(String(req.headers['x-version']));
              next(error);
            }),
        );
      }
      expect((await http(app).get('/things').set('X-Version', '2')).text).toBe(
        'v2',
      );
      // The first route (version 1) passed it on; the second answered.
      expect(passed).toEqual(['2']);
      passed.length = 0;
      expect(
        (await http(app).get('/things').set('X-Version', '9')).status,
      ).toBe(404);
      expect(passed).toEqual(['9', '9']);
    } finally {
      await app.close();
    }
  });
});

describe.each(ADAPTERS)('isVersionFilter (%s)', (name) => {
  it('Nest registers the very filter applyVersionFilter() returned, for versioned routes only', async () => {
    const adapter = newAdapter(name);
    const calls = recordCalls(adapter, ['get']);
    interceptVersionFilters(adapter, (handler) => handler);
    @Controller('plain')
    class PlainController {
      @Get()
      list() {}
    }
    const app = await appOn(adapter, [VersionedController, PlainController], {
      configure: (app) => app.enableVersioning(VERSION_HEADER),
    });
    try {
      expect(
        calls.map((call) => [call.args[0], isVersionFilter(handlerOf(call))]),
      ).toEqual([
        ['/things', true],
        ['/plain', false],
      ]);
    } finally {
      await app.close();
    }
  });

  it('Nest filters no version through the adapter under URI versioning: the version is in the path', async () => {
    const adapter = newAdapter(name);
    const calls = recordCalls(adapter, ['get', 'applyVersionFilter']);
    interceptVersionFilters(adapter, (handler) => handler);
    const app = await appOn(adapter, [VersionedController], {
      configure: (app) => app.enableVersioning({ type: VersioningType.URI }),
    });
    try {
      expect(calls.map((call) => call.name)).toEqual(['get']);
      expect(calls[0]!.args[0]).toBe('/v1/things');
      expect(isVersionFilter(handlerOf(calls[0]!))).toBe(false);
    } finally {
      await app.close();
    }
  });
});

describe.each(ADAPTERS)('interceptNotFoundHandler (%s)', (name) => {
  it.each([
    ['', '/nowhere'],
    ['api', '/api/nowhere'],
  ])(
    "Nest hands its not-found handler to setNotFoundHandler(), which serves requests no route takes (global prefix '%s')",
    async (prefix, path) => {
      const adapter = newAdapter(name);
      const handled: string[] = [];
      interceptNotFoundHandler(
        adapter,
        (handler) =>
          function (this: unknown, ...args: unknown[]) {
            handled.push(path);
            return (handler as Handler).apply(this, args);
          },
      );
      const app = await appOn(adapter, [ThingsController], {
        configure: (app) => prefix && app.setGlobalPrefix(prefix),
      });
      try {
        const response = await http(app).get(path);
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({
          statusCode: 404,
          message: `Cannot GET ${path}`,
        });
        expect(handled).toEqual([path]);
        expect(
          (await http(app).get(`${prefix ? '/api' : ''}/things`)).text,
        ).toBe('things');
        expect(handled).toEqual([path]);
      } finally {
        await app.close();
      }
    },
  );
});

describe.each(ADAPTERS)('interceptEnableCors (%s)', (name) => {
  it.each([
    ['app.enableCors()', {}, (app: INestApplication) => app.enableCors()],
    ['the cors option of NestFactory.create()', { cors: true }, undefined],
  ])(
    "%s reaches the adapter's enableCors()",
    async (_how, appOptions, configure) => {
      const adapter = newAdapter(name);
      let calls = 0;
      interceptEnableCors(adapter, () => calls++);
      const app = await appOn(adapter, [ThingsController], {
        appOptions,
        configure,
      });
      try {
        expect(calls).toBe(1);
        const response = await http(app)
          .get('/things')
          .set('Origin', 'https://a.test');
        expect(response.headers['access-control-allow-origin']).toBe('*');
      } finally {
        await app.close();
      }
    },
  );
});

describe('becomeFirstRequestHook', () => {
  /** A Fastify app with request hooks of every kind, recording the order they run in. */
  async function hooked(
    setUp: (adapter: FastifyAdapter, ran: string[]) => void,
  ): Promise<{ app: INestApplication; ran: string[] }> {
    const adapter = new FastifyAdapter();
    const ran: string[] = [];
    const instance = adapter.getInstance<FastifyInstance>();
    const record =
      (name: string) =>
      (_request: unknown, _reply: unknown, done: () => void) => {
        ran.push(name);
        done();
      };
    instance.addHook('onRequest', record('instance hook'));
    setUp(adapter, ran);
    const app = await appOn(adapter, [ThingsController], {
      configure: (app) => {
        app.use((_req: unknown, _res: unknown, next: Next) => {
          ran.push('Nest middleware');
          next();
        });
        app.enableCors();
        void instance.register((child, _options, done) => {
          child.addHook('onRequest', record('plugin hook'));
          done();
        });
      },
    });
    return { app, ran };
  }

  it("Nest's Fastify adapter runs the hook given to setOnRequestHook() before any other request hook, for routed and unrouted requests", async () => {
    const { app, ran } = await hooked((adapter, ran) =>
      expect(
        becomeFirstRequestHook(adapter, (_request, _reply, done) => {
          ran.push('first');
          done();
        }),
      ).toBe(true),
    );
    try {
      await http(app).get('/things');
      expect(ran[0]).toBe('first');
      expect(ran).toEqual(
        expect.arrayContaining(['instance hook', 'Nest middleware']),
      );
      ran.length = 0;
      await http(app).get('/nowhere');
      expect(ran[0]).toBe('first');
    } finally {
      await app.close();
    }
  });

  it("Nest's Fastify adapter keeps one such hook: one set later replaces it, unless the module passes the request on to it", async () => {
    const { app, ran } = await hooked((adapter, ran) => {
      adapter.setOnRequestHook((_request, _reply, done) => {
        ran.push('replaced');
        done();
      });
      adapter.setOnRequestHook((_request, _reply, done) => {
        ran.push('set later');
        done();
      });
    });
    try {
      await http(app).get('/things');
      expect(ran[0]).toBe('set later');
      expect(ran).not.toContain('replaced');
    } finally {
      await app.close();
    }
    const kept = await hooked((adapter, ran) => {
      becomeFirstRequestHook(adapter, (_request, _reply, done) => {
        ran.push('first');
        done();
      });
      adapter.setOnRequestHook((_request, _reply, done) => {
        ran.push('set later');
        done();
      });
    });
    try {
      await http(kept.app).get('/things');
      expect(kept.ran.slice(0, 2)).toEqual(['first', 'set later']);
    } finally {
      await kept.app.close();
    }
  });
});

describe('lookAlike', () => {
  @Controller({ path: 'configured', version: '1' })
  class ConfiguredController {
    @Get()
    @RouteConfig({ own: 'kept' })
    @RouteConstraints({ host: 'api.example.com' })
    @RouteSchema({
      querystring: {
        type: 'object',
        properties: { n: { type: 'integer' } },
      },
    })
    list(@Query('n') n: unknown) {
      return { n };
    }
  }

  it("Nest's Fastify adapter reads @RouteConfig(), @RouteConstraints(), @RouteSchema() and the version off a handler that carries them only through its prototype", async () => {
    const adapter = new FastifyAdapter();
    const wrappers: RouteHandle[] = [];
    interceptRouteRegistrations(adapter, (original, self, args) => {
      const handle = args.at(-1) as Handler;
      const wrapper = lookAlike(function (
        this: unknown,
        ...request: unknown[]
      ) {
        return handle.apply(this, request);
      }, handle as RouteHandle);
      wrappers.push(wrapper);
      args[args.length - 1] = wrapper;
      return original.apply(self, args);
    });
    const config: unknown[] = [];
    adapter
      .getInstance<FastifyInstance>()
      .addHook('onRequest', (request, _reply, done) => {
        config.push((request.routeOptions.config as { own?: unknown }).own);
        done();
      });
    const app = await appOn(adapter, [ConfiguredController], {
      configure: (app) => app.enableVersioning(VERSION_HEADER),
    });
    try {
      // Nothing of the handler's is the wrapper's own: it is all on its prototype.
      expect(wrappers).toHaveLength(1);
      expect(Reflect.getOwnMetadataKeys(wrappers[0]!)).toEqual([]);
      expect(Object.keys(wrappers[0]!)).toEqual([]);
      const ask = (host: string, version: string, query = '?n=3') =>
        http(app)
          .get(`/configured${query}`)
          .set('Host', host)
          .set('X-Version', version);
      const ok = await ask('api.example.com', '1');
      expect(ok.body).toEqual({ n: 3 });
      expect(config).toEqual(['kept']);
      // The constraints: another host, another version, find no route.
      expect((await ask('other.example.com', '1')).status).toBe(404);
      expect((await ask('api.example.com', '2')).status).toBe(404);
      // The schema: the query string is validated.
      expect((await ask('api.example.com', '1', '?n=x')).status).toBe(400);
    } finally {
      await app.close();
    }
  });
});
