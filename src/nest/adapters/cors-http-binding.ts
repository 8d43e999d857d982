import type { CorsRoute, RouteLookup } from '../cors-route.js';
import { isRouteHandle, type RouteHandle } from '../route-handle.js';

/**
 * The controller route of a handler Nest registered with the adapter at `path`, recorded as
 * registered; `undefined` for a handler no controller owns.
 */
export type RouteOfHandle = (
  handle: RouteHandle,
  path: unknown,
) => CorsRoute | undefined;

/**
 * The controller route of a call to one of the adapter's route methods: `(path, handler)`,
 * Nest's handler last; `undefined` for a handler no controller owns.
 */
export function routeOfCall(
  routeOf: RouteOfHandle,
  args: readonly unknown[],
): CorsRoute | undefined {
  const handle = args.at(-1);
  return isRouteHandle(handle) ? routeOf(handle, args[0]) : undefined;
}

/**
 * Everything the module needs from one HTTP adapter; the rest is adapter-agnostic. A binding
 * mounts its early hook when it is created, which is as soon as the adapter exists.
 */
export interface CorsHttpBinding {
  /**
   * Before Nest registers its routes. Each handler of a route, and Nest's not-found handler,
   * is wrapped so that it decides from its own policy before it runs: by `seal()` at the latest.
   */
  capture(routeOf: RouteOfHandle): void;
  /** Once the routes are registered: reads the adapter's routing, for the early hook and `explain()`. */
  seal(): RouteLookup;
  /** For Nest's CSRF check: see `CorsDispatch.trustForCsrf()`. */
  trustForCsrf(request: unknown): boolean;
}
