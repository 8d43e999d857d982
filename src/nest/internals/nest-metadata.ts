import { RequestMethod, type Type } from '@nestjs/common';
import type { RouteHandle } from '../route-handle.js';

/**
 * Nest's metadata key of `@Controller({ host })`. Nest wraps every handler of such a
 * controller in a host filter, which passes requests for other hosts on to later routes.
 */
const HOST_METADATA = 'host';

/**
 * Nest keeps `@Controller({ host })` under the metadata key `host`, and wraps every handler of
 * such a controller in a host filter: whether `controller` has one.
 */
export function hasHostFilter(controller: Type): boolean {
  return Reflect.getMetadata(HOST_METADATA, controller) !== undefined;
}

/**
 * Nest's host filter matches a RegExp host as it is, and a string host through path-to-regexp,
 * ignoring case: whether the filter of `controller` may let a request for `hostname` through,
 * `undefined` where it has none. `false` only where that is certain: a RegExp that does not match
 * (Nest matches it as it is), or a host without parameters that differs, ignoring case (as
 * Nest's path-to-regexp match does). A host with parameters may always match.
 */
export function hostMatcherOf(
  controller: Type,
): ((hostname: string) => boolean) | undefined {
  const host: unknown = Reflect.getMetadata(HOST_METADATA, controller);
  if (host === undefined) return undefined;
  const hosts = [host].flat();
  return (hostname) =>
    hosts.some((each) =>
      each instanceof RegExp
        ? hostname.match(each) !== null
        : typeof each !== 'string' ||
          /[:*{]/.test(each) ||
          each.toLowerCase() === hostname.toLowerCase(),
    );
}

/** Nest's metadata key of the HTTP method of `@Get()`, `@Post()`… on a controller method. */
const METHOD_METADATA = 'method';

/** Nest keeps the `RequestMethod` of `@Get()`, `@Post()`… under the metadata key `method`: whether `method` has one. */
export function isRouteHandler(method: RouteHandle): boolean {
  return Reflect.getMetadata(METHOD_METADATA, method) !== undefined;
}

/** Nest's `method` metadata, which it copies onto the handlers it registers, named: `GET`, `QUERY`…, or `ALL`. */
export function routeMethodOf(handler: RouteHandle): string | undefined {
  const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
  return typeof method === 'number' ? RequestMethod[method] : undefined;
}
