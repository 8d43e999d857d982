import type { CorsDecision } from '../core/cors-decision.js';
import type { CorsRoute } from './cors-route.js';
import type { PolicySource } from './policy-source.js';

/** One request, as the early hook sees it, whatever the adapter. */
export interface CorsExchange {
  method: string;
  /** The request target: path and query. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The adapter's request object. */
  raw: unknown;
}

/** What the module decided for a request that has a policy. */
export interface CorsState {
  /** Where the decision came from: the interceptor compares it with its handler's. */
  source: PolicySource;
  preflight: boolean;
  /**
   * Read when the response headers are written, so the interceptor may still replace it;
   * `undefined` once it found that the route has no policy after all.
   */
  decision: CorsDecision | undefined;
}

/** The path of a request target, without its query string. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The route and policy a request gets, as decided before routing. */
export interface CorsTarget {
  route: CorsRoute | undefined;
  /** `undefined`: the module stays out of the request. */
  source: PolicySource | undefined;
  preflight: boolean;
  /** The method the route is looked up with: for a preflight, the requested one. */
  method: string;
  path: string;
}
