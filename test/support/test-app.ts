import type {
  DynamicModule,
  ForwardReference,
  INestApplication,
  NestApplicationOptions,
  Provider,
  Type,
} from '@nestjs/common';
import { Module } from '@nestjs/common';
import { type AbstractHttpAdapter, NestFactory } from '@nestjs/core';
import {
  ExpressAdapter,
  type NestExpressApplication,
} from '@nestjs/platform-express';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { FastifyInstance } from 'fastify';

/** Every e2e spec runs once per adapter, with the same assertions. */
export const ADAPTERS = ['express', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** Request bodies over this many bytes are refused with 413 on both adapters. */
export const BODY_LIMIT = 1024;

export interface TestAppOptions {
  /** The adapter the builder creates: 'express' (the default) or 'fastify'. */
  adapter?: AdapterName;
  /** `CorsModule.forRoot(...)` or `CorsModule.forRootAsync(...)`; leave it out for an app without the module. */
  cors?: DynamicModule;
  controllers?: Type[];
  providers?: Provider[];
  /** Other modules: GraphQLModule, ServeStaticModule, a fixture's module… */
  imports?: Array<Type | DynamicModule | ForwardReference>;
  /** Options of `createNestApplication()` / `NestFactory.create()`; no logger unless one is given. */
  appOptions?: NestApplicationOptions;
  /**
   * A Fastify instance for the `FastifyAdapter` the builder creates, as a user may hand one
   * to it (with its own router options, plugins, hooks). Implies adapter 'fastify'.
   */
  fastify?: FastifyInstance;
  /**
   * The HTTP adapter itself, when a spec needs one the builder does not make: with options of
   * its own (HTTP/2, `routerOptions`), patched methods, a subclass. `adapter`, `fastify` and
   * `bodyLimit` are then ignored: the adapter is the spec's to configure.
   */
  httpAdapter?: AbstractHttpAdapter;
  /**
   * How the app is created: `'testing-module'` (the default), with `Test.createTestingModule()`,
   * or `'nest-factory'`, with `NestFactory.create()` as users bootstrap. ServeStaticModule
   * needs the latter: it picks its loader from the HTTP adapter when its providers are
   * created, which a testing module does before there is an adapter (it then serves nothing).
   */
  bootstrap?: 'testing-module' | 'nest-factory';
  /**
   * Request bodies over this many bytes get 413, on either adapter. Default `BODY_LIMIT`. Not
   * applied with `httpAdapter`, nor on Fastify with `fastify` (set it on that instance). On
   * Express it registers the JSON parser at once, before any middleware `configure` adds.
   */
  bodyLimit?: number;
  /** Runs before `app.init()`: global prefix, versioning, `app.use()`, raw routes, WebSocket adapters. */
  configure?: (app: INestApplication) => void;
  /**
   * Whether to call `app.init()` (and, on Fastify, wait until it is ready). Default `true`.
   * With `false`, the app comes back as created, and the spec starts it itself.
   */
  init?: boolean;
  /** Whether to listen on an ephemeral loopback port once initialised. Default `false`. */
  listen?: boolean;
}

/**
 * The one way specs build a Nest application: a root module of `cors`, `imports`,
 * `controllers` and `providers`, on Express or Fastify, initialised (Fastify ready) and not
 * listening unless asked. A bootstrap that fails, in `configure` or later, closes the app and
 * rethrows, so that a spec can assert on the error.
 *
 * @example
 *   const app = await createTestApp({
 *     adapter: 'fastify',
 *     cors: CorsModule.forRoot({ default: { origin: ['https://app.example.com'] } }),
 *     controllers: [OrdersController],
 *     configure: (app) => app.setGlobalPrefix('api'),
 *   });
 */
export async function createTestApp<
  App extends INestApplication = INestApplication,
>(options: TestAppOptions = {}): Promise<App> {
  @Module({
    imports: [
      ...(options.cors ? [options.cors] : []),
      ...(options.imports ?? []),
    ],
    controllers: options.controllers,
    providers: options.providers,
  })
  class AppModule {}

  const bootstrap = options.bootstrap ?? 'testing-module';
  const appOptions: NestApplicationOptions = {
    // Without it, NestFactory.create() exits the process on a failed bootstrap.
    ...(bootstrap === 'nest-factory' && { abortOnError: false }),
    ...options.appOptions,
    logger: options.appOptions?.logger ?? false,
  };
  const adapterName =
    options.adapter ?? (options.fastify ? 'fastify' : 'express');
  const bodyLimit = options.httpAdapter
    ? undefined
    : (options.bodyLimit ?? BODY_LIMIT);
  const httpAdapter =
    options.httpAdapter ??
    (adapterName === 'fastify'
      ? new FastifyAdapter(
          (options.fastify ?? { bodyLimit }) as ConstructorParameters<
            typeof FastifyAdapter
          >[0],
        )
      : new ExpressAdapter());

  const app: INestApplication =
    bootstrap === 'nest-factory'
      ? await NestFactory.create(AppModule, httpAdapter, appOptions)
      : (
          await Test.createTestingModule({ imports: [AppModule] }).compile()
        ).createNestApplication(httpAdapter, appOptions);

  try {
    if (bodyLimit !== undefined && httpAdapter.getType() === 'express')
      (app as NestExpressApplication).useBodyParser('json', {
        limit: bodyLimit,
      });
    options.configure?.(app);
    if (options.init === false) return app as App;
    await app.init();
    if (httpAdapter.getType() === 'fastify')
      await (app as NestFastifyApplication)
        .getHttpAdapter()
        .getInstance()
        .ready();
    if (options.listen) await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app as App;
}
