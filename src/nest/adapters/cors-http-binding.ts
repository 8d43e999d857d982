import type { CorsRoute, RouteCandidates } from '../cors-route.js';
import type { CorsRequestState } from './cors-request-state.js';
import type { RouteHandle } from '../route-handle.js';

/** The routes a method and path reach, in the adapter's dispatch order. */
export type RouteLookup = (method: string, path: string) => RouteCandidates;

/**
 * Everything the module needs from one HTTP adapter; the rest is adapter-agnostic. A binding
 * mounts its early hook when it is created, which is as soon as the adapter exists.
 */
export interface CorsHttpBinding {
  /**
   * Before Nest registers its routes: wraps each handler Nest hands the adapter, and Nest's
   * not-found handler, so that they decide from their own policy before they run.
   */
  capture(
    routeOf: (handle: RouteHandle, path: unknown) => CorsRoute | undefined,
  ): void;
  /** Once the routes are registered: reads the adapter's routing, for the early hook and `explain()`. */
  seal(): RouteLookup;
  /** What the module has decided so far for the adapter's request object `request`. */
  stateOf(request: unknown): CorsRequestState | undefined;
}
