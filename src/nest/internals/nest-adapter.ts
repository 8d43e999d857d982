import { type HttpServer, RequestMethod } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import type { RouteHandle } from '../route-handle.js';

/** The adapter methods Nest registers routes with: one per `RequestMethod`, by its lower-case name. */
const ROUTE_METHODS: readonly string[] = Object.keys(RequestMethod)
  .filter((key) => Number.isNaN(Number(key)))
  .map((key) => key.toLowerCase());

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** What a replaced adapter method does instead, given the original and the call. */
export type Interception = (
  original: Method,
  self: unknown,
  args: unknown[],
) => unknown;

/**
 * Replaces the methods `names` of `target` that exist: each call goes through `replace`,
 * with the original method and the call's `this` and arguments.
 */
function patchMethods(
  target: object,
  names: readonly string[],
  replace: Interception,
): void {
  const methods = target as Record<string, Method | undefined>;
  for (const name of names) {
    const original = methods[name];
    if (typeof original !== 'function') continue;
    methods[name] = function (this: unknown, ...args: unknown[]) {
      return replace(original, this, args);
    };
  }
}

/** Nest announces its HTTP adapter through `HttpAdapterHost.init$`, once, before routes exist. */
export function onHttpAdapter(
  host: HttpAdapterHost,
  use: (adapter: HttpServer) => void,
): void {
  host.init$.subscribe(() => use(host.httpAdapter));
}

/** Nest registers each route through the adapter method named after its `RequestMethod`, its handler last. */
export function interceptRouteRegistrations(
  adapter: HttpServer,
  replace: Interception,
): void {
  patchMethods(adapter, ROUTE_METHODS, replace);
}

/** Marks the version filters Nest wraps handlers in: they pass requests of other versions on. */
const VERSION_FILTER = Symbol('nestjs-cors-policy:version-filter');

/**
 * Nest wraps a versioned route's handler through `adapter.applyVersionFilter(handler, …)`,
 * which calls the handler only for its versions; `wrap` gets the handler it is handed.
 */
export function interceptVersionFilters(
  adapter: HttpServer,
  wrap: (handler: RouteHandle) => RouteHandle,
): void {
  patchMethods(adapter, ['applyVersionFilter'], (original, self, args) => {
    args[0] = wrap(args[0] as RouteHandle);
    return Object.assign(original.apply(self, args) as RouteHandle, {
      [VERSION_FILTER]: true,
    });
  });
}

/** `adapter.applyVersionFilter()` returns the filter Nest registers in place of the handler: whether `handle` is one. */
export function isVersionFilter(handle: unknown): boolean {
  return (
    typeof handle === 'function' &&
    (handle as { [VERSION_FILTER]?: boolean })[VERSION_FILTER] === true
  );
}

/** Nest hands its not-found handler to `adapter.setNotFoundHandler(handler)`; `wrap` gets it. */
export function interceptNotFoundHandler(
  adapter: HttpServer,
  wrap: (handler: RouteHandle) => RouteHandle,
): void {
  patchMethods(adapter, ['setNotFoundHandler'], (original, self, args) => {
    args[0] = wrap(args[0] as RouteHandle);
    return original.apply(self, args);
  });
}

/** `app.enableCors()` reaches the adapter's `enableCors()`; `called` is told of each call. */
export function interceptEnableCors(
  adapter: HttpServer,
  called: () => void,
): void {
  patchMethods(adapter, ['enableCors'], (original, self, args) => {
    called();
    return original.apply(self, args);
  });
}

type FastifyHook = (
  request: never,
  reply: never,
  done: (error?: unknown) => void,
) => void;

/**
 * Nest's Fastify adapter runs the hook given to `setOnRequestHook()` before any other request
 * hook. Makes `hook` that hook, with any set later run after it; `false` where the adapter has
 * no such method.
 */
export function becomeFirstRequestHook(
  adapter: HttpServer,
  hook: FastifyHook,
): boolean {
  const first = adapter as { setOnRequestHook?: (hook: FastifyHook) => void };
  if (typeof first.setOnRequestHook !== 'function') return false;
  first.setOnRequestHook(hook);
  patchMethods(adapter, ['setOnRequestHook'], (original, self, [other]) =>
    original.call(self, ((request, reply, done) =>
      hook(request, reply, (error) =>
        error
          ? done(error)
          : (other as FastifyHook).call(self, request, reply, done),
      )) satisfies FastifyHook),
  );
  return true;
}

/**
 * Nest's Fastify adapter reads a route's options (`@RouteConfig()`, `@RouteConstraints()`,
 * `@RouteSchema()`, the version) off the handler it is handed. Makes `wrapper` carry
 * `handle`'s name, properties and metadata through its prototype, which `Reflect.getMetadata`
 * walks as property reads do; nothing is copied.
 */
export function lookAlike<T extends RouteHandle>(
  wrapper: T,
  handle: RouteHandle,
): T {
  Object.setPrototypeOf(wrapper, handle);
  Object.defineProperty(wrapper, 'name', { value: handle.name });
  return wrapper;
}
