import { describe, expect, it } from '@jest/globals';
import fastifyCors from '@fastify/cors';
import {
  Controller,
  Get,
  type INestApplication,
  VersioningType,
} from '@nestjs/common';
import {
  FastifyAdapter,
  type NestFastifyApplication,
  RouteConfig,
} from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { RouteCandidates } from '../../src/nest/cors-route.js';
import {
  fastifyConfigOf,
  type FastifyRequestParts,
  type FastifyRouteOptions,
  interceptFastifyRoutes,
  markOf,
  whenFastifyHasPlugin,
} from '../../src/nest/internals/fastify-instance.js';
import { interceptNotFoundHandler } from '../../src/nest/internals/nest-adapter.js';
import { adapterPackage, appOn, type Handler } from './framework.js';
import { http } from '../support/requests.js';

/*
 * Canaries of src/nest/internals/fastify-instance.ts: what the module relies on in Fastify 5,
 * as Nest's Fastify adapter runs it.
 */

type Reply = { header(name: string, value: string): unknown };
type RouteHandler = (request: unknown, reply: Reply) => unknown;
const fastify = adapterPackage<(options?: object) => FastifyInstance>(
  'fastify',
  'fastify',
);

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return 'things';
  }
}

@Controller({ path: 'versioned', version: '1' })
class VersionedController {
  @Get()
  @RouteConfig({ own: 'kept' })
  list() {
    return 'v1';
  }
}

/** What a route's mark is here: the route's method and URL as the onRoute hook saw them. */
const markFor = (options: FastifyRouteOptions<unknown>): RouteCandidates => [
  { id: `${[options.method].flat().join(',')} ${options.url}` } as never,
];
const idsOf = (mark: RouteCandidates | undefined) =>
  mark?.map((route) => (route ? route.id : null));

const instanceOf = (adapter: FastifyAdapter) =>
  adapter.getInstance<FastifyInstance>();

describe('interceptFastifyRoutes', () => {
  it('Fastify calls each onRoute hook with the options of a route Nest registers, before it registers the route, and serves the handler the hook leaves', async () => {
    const adapter = new FastifyAdapter();
    const seen: Array<{ method: unknown; url: string; version: unknown }> = [];
    interceptFastifyRoutes<RouteHandler>(instanceOf(adapter), (options) => {
      seen.push({
        method: options.method,
        url: options.url,
        version: options.constraints?.version,
      });
      const handler = options.handler;
      options.handler = function (this: unknown, request, reply) {
        reply.header('X-Left-By-Hook', 'yes');
        return handler.call(this, request, reply);
      };
      return markFor(options);
    });
    const app = await appOn(adapter, [ThingsController, VersionedController], {
      configure: (app) =>
        app.enableVersioning({
          type: VersioningType.HEADER,
          header: 'X-Version',
        }),
    });
    try {
      const things = await http(app).get('/things');
      expect(things.text).toBe('things');
      expect(things.headers['x-left-by-hook']).toBe('yes');
      const versioned = await http(app).get('/versioned').set('X-Version', '1');
      expect(versioned.text).toBe('v1');
      expect(versioned.headers['x-left-by-hook']).toBe('yes');
      // Nest's versioned route carries its version as a Fastify constraint.
      expect(seen).toEqual(
        expect.arrayContaining([
          { method: 'GET', url: '/things', version: undefined },
          { method: 'GET', url: '/versioned', version: '1' },
        ]),
      );
    } finally {
      await app.close();
    }
  });

  it('Fastify calls onRoute hooks for routes added to the instance directly, and for those of plugins, with each route registered once the hooks return', async () => {
    const adapter = new FastifyAdapter();
    const seen: string[] = [];
    const instance = instanceOf(adapter);
    interceptFastifyRoutes<RouteHandler>(instance, (options) => {
      // Not registered yet: Fastify registers it once the hooks return.
      seen.push(
        `${String(options.url)} ${instance.hasRoute({ url: options.url, method: 'GET' })}`,
      );
      return markFor(options);
    });
    const app = await appOn(adapter, [], {
      configure: () => {
        instance.get('/raw', async () => 'raw');
        void instance.register(
          (child, _options, done) => {
            child.get('/inside', async () => 'inside');
            done();
          },
          { prefix: '/plugin' },
        );
      },
    });
    try {
      expect(seen).toEqual(
        expect.arrayContaining(['/raw false', '/plugin/inside false']),
      );
      expect((await http(app).get('/plugin/inside')).text).toBe('inside');
    } finally {
      await app.close();
    }
  });
});

describe('markOf', () => {
  /**
   * An app whose routes are marked, which records `markOf()` in Nest's first request hook and
   * in its not-found handler. `replacer`: another onRoute hook, added after the module's.
   */
  async function marked(
    replacer?: (options: { config?: object }) => void,
  ): Promise<{
    app: INestApplication;
    hook: unknown[];
    notFound: unknown[];
    config: unknown[];
  }> {
    const adapter = new FastifyAdapter();
    const hook: unknown[] = [];
    const notFound: unknown[] = [];
    const config: unknown[] = [];
    interceptFastifyRoutes(instanceOf(adapter), (options) => markFor(options));
    if (replacer) instanceOf(adapter).addHook('onRoute', replacer);
    adapter.setOnRequestHook((request, _reply, done) => {
      const parts = request as unknown as FastifyRequestParts;
      hook.push(idsOf(markOf(parts)));
      config.push((parts.routeOptions.config as Record<string, unknown>).own);
      done();
    });
    interceptNotFoundHandler(
      adapter,
      (handler) =>
        function (this: unknown, ...args: unknown[]) {
          notFound.push([
            (args[0] as FastifyRequestParts).is404,
            idsOf(markOf(args[0] as FastifyRequestParts)),
          ]);
          return (handler as Handler).apply(this, args);
        },
    );
    const app = await appOn(adapter, [ThingsController, VersionedController], {
      configure: (app) =>
        app.enableVersioning({
          type: VersioningType.HEADER,
          header: 'X-Version',
        }),
    });
    return { app, hook, notFound, config };
  }

  it("request.routeOptions.config is the config of the route Fastify found, with what an onRoute hook put there, from Nest's first request hook on", async () => {
    const { app, hook, notFound, config } = await marked();
    try {
      await http(app).get('/things');
      await http(app).get('/versioned').set('X-Version', '1');
      expect(hook).toEqual([['GET /things'], ['GET /versioned']]);
      // Beside what @RouteConfig() gave the route.
      expect(config).toEqual([undefined, 'kept']);
      expect(notFound).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('request.is404 is true for a request Fastify routed nowhere, in the first request hook and in the not-found handler', async () => {
    const { app, hook, notFound } = await marked();
    try {
      expect((await http(app).get('/nowhere')).status).toBe(404);
      // A version no route has: Fastify's router finds no route either.
      expect(
        (await http(app).get('/versioned').set('X-Version', '9')).status,
      ).toBe(404);
      expect(hook).toEqual([[], []]);
      expect(notFound).toEqual([
        [true, []],
        [true, []],
      ]);
    } finally {
      await app.close();
    }
  });

  it('an onRoute hook that replaces the config leaves the route without the mark', async () => {
    const { app, hook } = await marked((options) => {
      options.config = { replaced: true };
    });
    try {
      await http(app).get('/things');
      expect(hook).toEqual([undefined]);
    } finally {
      await app.close();
    }
  });
});

describe('fastifyConfigOf', () => {
  it.each([
    [
      'Nest creates the instance, with router options at the top level',
      () =>
        new FastifyAdapter({
          caseSensitive: false,
          ignoreTrailingSlash: true,
          maxParamLength: 30,
        }),
    ],
    [
      'Nest creates the instance, with routerOptions',
      () =>
        new FastifyAdapter({
          routerOptions: {
            caseSensitive: false,
            ignoreTrailingSlash: true,
            maxParamLength: 30,
          },
        }),
    ],
    [
      'the user creates the instance, with routerOptions',
      () =>
        new FastifyAdapter(
          fastify({
            routerOptions: {
              caseSensitive: false,
              ignoreTrailingSlash: true,
              maxParamLength: 30,
            },
          }) as never,
        ),
    ],
  ])(
    'fastify.initialConfig holds the router options the instance was created with, where Fastify takes them: %s',
    async (_how, create) => {
      const adapter = create();
      const config = fastifyConfigOf(instanceOf(adapter));
      // Fastify takes each from routerOptions, else from the top level.
      const option = (key: string) =>
        config.routerOptions && Object.hasOwn(config.routerOptions, key)
          ? config.routerOptions[key]
          : config[key];
      expect([
        option('caseSensitive'),
        option('ignoreTrailingSlash'),
        option('maxParamLength'),
      ]).toEqual([false, true, 30]);
      const app = await appOn(adapter, [ThingsController]);
      try {
        // As the instance routes: any case, a trailing slash.
        expect((await http(app).get('/THINGS/')).text).toBe('things');
      } finally {
        await app.close();
      }
    },
  );
});

describe('whenFastifyHasPlugin', () => {
  it('fastify.hasPlugin() knows @fastify/cors by its name once Fastify has loaded it, which is done by onReady', async () => {
    const adapter = new FastifyAdapter();
    const instance = instanceOf(adapter);
    const found: boolean[] = [];
    const app = await appOn(adapter, [ThingsController], {
      // Registered, not awaited: Fastify loads it as it gets ready.
      configure: () => void instance.register(fastifyCors),
      init: false,
    });
    try {
      expect(instance.hasPlugin('@fastify/cors')).toBe(false);
      whenFastifyHasPlugin(instance, '@fastify/cors', () =>
        found.push(instance.hasPlugin('@fastify/cors')),
      );
      expect(found).toEqual([]);
      await app.init();
      await instance.ready();
      expect(found).toEqual([true]);
      // Once ready, it is known at once.
      whenFastifyHasPlugin(instance, '@fastify/cors', () => found.push(true));
      expect(found).toEqual([true, true]);
    } finally {
      await app.close();
    }
  });

  it('fastify.hasPlugin() knows @fastify/cors as soon as app.register() it is awaited', async () => {
    const adapter = new FastifyAdapter();
    const instance = instanceOf(adapter);
    const app = await appOn(adapter, [ThingsController], { init: false });
    try {
      await (app as NestFastifyApplication).register(fastifyCors as never);
      const found: string[] = [];
      whenFastifyHasPlugin(instance, '@fastify/cors', () =>
        found.push('found'),
      );
      expect(found).toEqual(['found']);
    } finally {
      await app.close();
    }
  });

  it("registered with a hook option of app.enableCors(), Nest's adapter registers @fastify/cors under its name", async () => {
    const adapter = new FastifyAdapter();
    const app = await appOn(adapter, [ThingsController], {
      configure: (app) => app.enableCors({ hook: 'preHandler' }),
    });
    try {
      const found: string[] = [];
      whenFastifyHasPlugin(instanceOf(adapter), '@fastify/cors', () =>
        found.push('found'),
      );
      expect(found).toEqual(['found']);
    } finally {
      await app.close();
    }
  });

  it('Fastify runs no onReady hook added once it is ready (it keeps it until it listens, and refuses it then): a plugin it has not loaded by then is never found', async () => {
    const adapter = new FastifyAdapter();
    const instance = instanceOf(adapter);
    const app = await appOn(adapter, [ThingsController]);
    try {
      expect(instance.hasPlugin('@fastify/cors')).toBe(false);
      const ran: string[] = [];
      instance.addHook('onReady', (done) => {
        ran.push('onReady');
        done();
      });
      const found: string[] = [];
      whenFastifyHasPlugin(instance, '@fastify/cors', () =>
        found.push('found'),
      );
      await instance.ready();
      await app.listen(0, '127.0.0.1');
      expect(ran).toEqual([]);
      expect(found).toEqual([]);
      expect(() => instance.addHook('onReady', (done) => done())).toThrow();
      expect(() =>
        whenFastifyHasPlugin(instance, '@fastify/cors', () =>
          found.push('found'),
        ),
      ).not.toThrow();
      expect(found).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
