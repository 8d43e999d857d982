import type { Type } from '@nestjs/common';

/**
 * Nest's metadata key of `@Controller({ host })`. Nest wraps every handler of such a
 * controller in a host filter, which passes requests for other hosts on to later routes.
 */
const HOST_METADATA = 'host';

/** Whether Nest wraps the handlers of `controller` in a host filter. */
export function hasHostFilter(controller: Type): boolean {
  return Reflect.getMetadata(HOST_METADATA, controller) !== undefined;
}

/** Nest's metadata key of the HTTP method of `@Get()`, `@Post()`… on a controller method. */
const METHOD_METADATA = 'method';

/** Whether a controller method is a route handler (`@Get()`, `@Post()`…). */
export function isRouteHandler(method: Function): boolean {
  return Reflect.getMetadata(METHOD_METADATA, method) !== undefined;
}
