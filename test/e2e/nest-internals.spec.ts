import { describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  type INestApplication,
  VersioningType,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NEVER } from 'rxjs';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { CorsModule } from '../../src/index.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';
import { NEST_VERSION } from '../support/nest-features.js';

/*
 * How the module fails when Nest or an adapter no longer behaves as it relies on: at bootstrap,
 * naming the cause, before wrong headers could reach users. The canaries of what it relies on
 * are in test/internals, one spec per file of src/nest/internals.
 */

@Controller({ path: 'things', version: '1' })
class VersionedController {
  @Get()
  list() {}
}

type Handler = (this: unknown, ...args: unknown[]) => unknown;

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

describe('where Nest no longer does what the module relies on', () => {
  // `npm run test:nest11` sets CORS_NEST_MAJOR=11: this fails if its copies were not loaded.
  it(`runs on the Nest major the run asks for (@nestjs/core ${NEST_VERSION})`, () => {
    expect(NEST_VERSION.split('.')[0]).toBe(
      process.env.CORS_NEST_MAJOR ?? '12',
    );
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
