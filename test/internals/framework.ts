import {
  Controller,
  type INestApplication,
  RequestMapping,
  RequestMethod,
  type Type,
} from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createRequire } from 'node:module';
import {
  type AdapterName,
  createTestApp,
  type TestAppOptions,
} from '../support/test-app.js';

/*
 * What the canaries of test/internals share: Nest's adapters, the packages they run on, and
 * apps without CorsModule, so that each canary sees the framework as it is. The module's
 * internals functions are called where a canary shows the property holds through them.
 */

export type NestAdapter = ExpressAdapter | FastifyAdapter;
export type Handler = (this: unknown, ...args: unknown[]) => unknown;

/** A new adapter of Nest's, as users make one. */
export function newAdapter(name: AdapterName): NestAdapter {
  return name === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
}

/**
 * A package Nest's adapter `name` runs on (`express`, `fastify`, `cors`…), as its
 * `@nestjs/platform-*` package resolves it: on `npm run test:nest11`, the one Nest 11 pins.
 */
export function adapterPackage<T>(name: AdapterName, pkg: string): T {
  const platform = createRequire(import.meta.url).resolve(
    `@nestjs/platform-${name}`,
  );
  return createRequire(platform)(pkg) as T;
}

/**
 * An app of `controllers` on `adapter`, without CorsModule, bootstrapped as users do
 * (`NestFactory.create()`), initialised and, on Fastify, ready.
 */
export function appOn(
  adapter: NestAdapter,
  controllers: Type[],
  options: Omit<TestAppOptions, 'httpAdapter' | 'controllers'> = {},
): Promise<INestApplication> {
  return createTestApp({
    bootstrap: 'nest-factory',
    ...options,
    httpAdapter: adapter,
    controllers,
  });
}

export interface Call {
  name: string;
  args: unknown[];
}

/**
 * Records what Nest hands `adapter` through its methods `names`. The recording stays
 * outermost, whatever the module or a spec later wraps these methods in, and records only the
 * outermost call.
 */
export function recordCalls(
  adapter: NestAdapter,
  names: readonly string[],
): Call[] {
  const calls: Call[] = [];
  let depth = 0;
  for (const name of names) {
    let current = (adapter as unknown as Record<string, Handler>)[name]!;
    Object.defineProperty(adapter, name, {
      configurable: true,
      get() {
        const target = current;
        return function (this: unknown, ...args: unknown[]) {
          if (depth === 0) calls.push({ name, args });
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
  return calls;
}

/** The handler Nest handed the adapter last in `call`: its route's handler. */
export const handlerOf = (call: Call) => call.args.at(-1) as Handler;

/** The names of `RequestMethod`: `GET`, `POST`…, `ALL`, as the installed Nest has them. */
export const REQUEST_METHODS = Object.keys(RequestMethod).filter((key) =>
  Number.isNaN(Number(key)),
) as Array<keyof typeof RequestMethod>;

/** The adapter methods Nest registers routes with, one per `RequestMethod`: its name in lower case. */
export const ROUTE_METHOD_NAMES = REQUEST_METHODS.map((name) =>
  name.toLowerCase(),
);

/**
 * A controller at `/methods` with one route per `RequestMethod`, at `/methods/<name in lower
 * case>`, whose handler answers with the name.
 */
export function everyMethodController(): Type {
  @Controller('methods')
  class EveryMethodController {}
  for (const name of REQUEST_METHODS) {
    Object.defineProperty(EveryMethodController.prototype, name, {
      value: () => name,
      configurable: true,
      writable: true,
    });
    RequestMapping({ path: name.toLowerCase(), method: RequestMethod[name] })(
      EveryMethodController.prototype,
      name,
      Object.getOwnPropertyDescriptor(EveryMethodController.prototype, name)!,
    );
  }
  return EveryMethodController;
}
