import { RequestMethod, type Type } from '@nestjs/common';
import type { RouteHandle } from '../route-handle.js';

/**
 * Nest's metadata key of `@Controller({ host })`. Nest wraps every handler of such a
 * controller in a host filter, which passes requests for other hosts on to later routes.
 */
const HOST_METADATA = 'host';

/** Whether Nest wraps the handlers of `controller` in a host filter. */
export function hasHostFilter(controller: Type): boolean {
  return Reflect.getMetadata(HOST_METADATA, controller) !== undefined;
}

/**
 * For a controller with `@Controller({ host })`: whether its host filter may let a request
 * for `hostname` through. `false` only where that is certain: a RegExp that does not match
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

/** Whether a controller method is a route handler (`@Get()`, `@Post()`…). */
export function isRouteHandler(method: RouteHandle): boolean {
  return Reflect.getMetadata(METHOD_METADATA, method) !== undefined;
}

/** The HTTP method a route handler is declared for: `GET`, `QUERY`…, or `ALL`. */
export function routeMethodOf(handler: RouteHandle): string | undefined {
  const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
  return typeof method === 'number' ? RequestMethod[method] : undefined;
}
