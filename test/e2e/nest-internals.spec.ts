import { describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  type INestApplication,
  SetMetadata,
  VersioningType,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NEVER } from 'rxjs';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { CorsModule } from '../../src/index.js';
import {
  type AdapterName,
  ADAPTERS,
  createTestApp,
} from '../support/test-app.js';
import { NEST_VERSION } from '../support/nest-features.js';

/**
 * What the module relies on in Nest and the adapters (README, "How it works"). Each test
 * fails if a new version changes it, before wrong headers could reach users.
 */
const MARK = 'internals-spec:mark';
/** Where the module marks each handler with the controller that owns it. */
const ROUTE_OWNER = 'nestjs-cors-policy:route-owner';

@Controller({ path: 'items', host: 'api.example.com' })
class HostController {
  @Get()
  list() {}
}

@Controller({ path: 'things', version: '1' })
class VersionedController {
  @Get()
  @SetMetadata(MARK, 'kept')
  list() {}
}

type Recorder = { calls: Array<{ name: string; args: unknown[] }> };
type Handler = (this: unknown, ...args: unknown[]) => unknown;

/**
 * An adapter that records what Nest hands it through the methods the module patches. The
 * recording stays outermost, whatever the module later wraps these methods in.
 */
function recording(
  name: AdapterName,
): (ExpressAdapter | FastifyAdapter) & Recorder {
  const adapter = (
    name === 'fastify' ? new FastifyAdapter() : new ExpressAdapter()
  ) as (ExpressAdapter | FastifyAdapter) & Recorder;
  adapter.calls = [];
  let depth = 0;
  for (const method of ['get', 'applyVersionFilter', 'setNotFoundHandler']) {
    let current = (adapter as unknown as Record<string, Handler>)[method]!;
    Object.defineProperty(adapter, method, {
      configurable: true,
      get() {
        const target = current;
        return function (this: unknown, ...args: unknown[]) {
          if (depth === 0) adapter.calls.push({ name: method, args });
          depth++;
          try {
            return target.apply(this, args);
          } finally {
            depth--;
          }
        };
      },
      set(value: Handler) {
        current = value;
      },
    });
  }
  return adapter;
}

/** Bootstraps as users do, with NestFactory.create(), on `adapter` as the spec made it. */
function init(
  adapter: ExpressAdapter | FastifyAdapter,
  controllers: Array<new () => unknown>,
): Promise<INestApplication> {
  return createTestApp({
    bootstrap: 'nest-factory',
    httpAdapter: adapter,
    cors: CorsModule.forRoot({ default: { origin: ['https://a.test'] } }),
    controllers,
    configure: (app) =>
      app.enableVersioning({
        type: VersioningType.HEADER,
        header: 'X-Version',
      }),
  });
}

describe.each(ADAPTERS)('what the module relies on in Nest (%s)', (name) => {
  it('hands each handler to the adapter method named after its RequestMethod, with the controller method metadata copied onto it', async () => {
    const adapter = recording(name);
    const app = await init(adapter, [VersionedController]);
    const handle = adapter.calls
      .find((call) => call.name === 'get')!
      .args.at(-1) as Handler;
    expect(Reflect.getMetadata(MARK, handle)).toBe('kept');
    await app.close();
  });

  it('wraps versioned handlers through the adapter, and registers its 404 with setNotFoundHandler()', async () => {
    const adapter = recording(name);
    const app = await init(adapter, [VersionedController]);
    const names = adapter.calls.map((call) => call.name);
    expect(names).toContain('applyVersionFilter');
    expect(names).toContain('setNotFoundHandler');
    await app.close();
  });
});

describe('what the module relies on in Nest', () => {
  // `npm run test:nest11` sets CORS_NEST_MAJOR=11: this fails if its copies were not loaded.
  it(`runs on the Nest major the run asks for (@nestjs/core ${NEST_VERSION})`, () => {
    expect(NEST_VERSION.split('.')[0]).toBe(
      process.env.CORS_NEST_MAJOR ?? '12',
    );
  });

  it('stores @Controller({ host }) under the metadata key "host"', () => {
    expect(Reflect.getMetadata('host', HostController)).toBe('api.example.com');
  });

  it("routes to the controller instance's own method, so each controller sharing an inherited method gets its own", async () => {
    class Base {
      @Get()
      list() {
        return 'base';
      }
    }
    @Controller('one')
    class One extends Base {}
    @Controller('two')
    class Two extends Base {}
    const adapter = recording('express');
    const app = await init(adapter, [One, Two]);
    const owners = adapter.calls
      .filter((call) => call.name === 'get')
      .map(
        (call) =>
          (
            Reflect.getMetadata(ROUTE_OWNER, call.args.at(-1) as Handler) as
              { controller: unknown } | undefined
          )?.controller,
      );
    expect(owners).toEqual([One, Two]);
    await app.close();
  });

  it('fails at bootstrap, naming the route, when registering it does not make exactly one Express route', async () => {
    const adapter = new ExpressAdapter();
    const methods = adapter as unknown as Record<string, Handler>;
    const get = methods.get!;
    methods.get = function (this: unknown, ...args: unknown[]) {
      get.apply(this, args);
      return get.apply(this, args);
    };
    @Controller('twice')
    class TwiceController {
      @Get()
      list() {}
    }
    await expect(init(adapter, [TwiceController])).rejects.toThrow(
      /CorsModule found no Express route made for TwiceController#list at \/twice/,
    );
  });

  it.each(ADAPTERS)(
    'fails at bootstrap when Nest never announces its HTTP adapter through init$ (%s)',
    async (name) => {
      const init$ = Object.getOwnPropertyDescriptor(
        HttpAdapterHost.prototype,
        'init$',
      )!;
      Object.defineProperty(HttpAdapterHost.prototype, 'init$', {
        ...init$,
        get: () => NEVER,
      });
      try {
        await expect(
          init(
            name === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
            [VersionedController],
          ),
        ).rejects.toThrow(/CorsModule could not bind to the HTTP adapter/);
      } finally {
        Object.defineProperty(HttpAdapterHost.prototype, 'init$', init$);
      }
    },
  );

  it.each(ADAPTERS)(
    'fails at bootstrap, naming the cause, when it sees none of the routes Nest registered (%s)',
    async (name) => {
      const adapter =
        name === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
      // As if Nest registered routes another way: route methods that ignore being replaced
      // and hand the router a function without the metadata Nest copies onto its handlers.
      for (const method of ['get', 'post']) {
        const original = (adapter as unknown as Record<string, Handler>)[
          method
        ]!;
        Object.defineProperty(adapter, method, {
          get: () =>
            function (...args: unknown[]) {
              const handler = args.at(-1) as Handler;
              return original.apply(adapter, [
                ...args.slice(0, -1),
                function (this: unknown, ...request: unknown[]) {
                  return handler.apply(this, request);
                },
              ]);
            },
          set: () => undefined,
        });
      }
      @Controller('plain')
      class PlainController {
        @Get()
        list() {}
      }
      await expect(init(adapter, [PlainController])).rejects.toThrow(
        /CorsModule saw none of the routes Nest registered/,
      );
    },
  );
});
