import type { CorsEngine, RouteLookup } from '../cors-engine.js';
import type { CorsExchange, CorsState } from '../cors-exchange.js';
import type { CorsRoute } from '../cors-route.js';

/** Property of the adapter's request object holding the module's `CorsState`. */
export const CORS_STATE = Symbol('nestjs-cors-policy:state');

/** A request object the module has decided for. */
export interface StatefulRequest {
  [CORS_STATE]?: CorsState;
}

/** Everything the module needs from one HTTP adapter; the rest is adapter-agnostic. */
export interface CorsHttpBinding {
  /** Runs the engine on each request before body parsing, routing and guards. */
  install(engine: CorsEngine): void;
  /** A lookup over the routes the adapter has registered, in its own dispatch order. */
  routeLookup(
    routeOf: (handle: Function) => CorsRoute | undefined,
  ): RouteLookup;
  /** The request as the engine sees it. */
  exchange(request: unknown): CorsExchange;
  /** Stores `state` on the request and applies its decision when the response headers are written. */
  track(request: unknown, response: unknown, state: CorsState): void;
}
