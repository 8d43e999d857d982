import type { HttpServer } from '@nestjs/common';

/** A route as Nest handed it to the adapter. */
export interface RecordedRoute {
  /** Upper case, or `ALL` for `@All()`. */
  method: string;
  path: string;
  /** The handler, carrying the controller method's metadata. */
  handle: Function;
}

/** The adapter methods Nest's router explorer registers routes with. */
const ROUTE_METHODS = [
  'get',
  'post',
  'put',
  'delete',
  'patch',
  'options',
  'head',
  'all',
  'search',
  'propfind',
  'proppatch',
  'mkcol',
  'copy',
  'move',
  'lock',
  'unlock',
] as const;

/**
 * Records every route Nest registers through the adapter from now on, in order, for
 * adapters whose router cannot list its routes with their handlers.
 */
export function recordRoutes(adapter: HttpServer): RecordedRoute[] {
  const routes: RecordedRoute[] = [];
  const methods = adapter as unknown as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  for (const name of ROUTE_METHODS) {
    const register = methods[name];
    if (typeof register !== 'function') continue;
    methods[name] = function (this: unknown, ...args: unknown[]) {
      const [path, handle] = [args[0], args[args.length - 1]];
      if (typeof path === 'string' && typeof handle === 'function') {
        routes.push({ method: name.toUpperCase(), path, handle });
      }
      return register.apply(this, args);
    };
  }
  return routes;
}
