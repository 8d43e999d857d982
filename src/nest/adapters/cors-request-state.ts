import type { CorsRequest } from '../../core/cors-policy-options.js';
import type { CorsVerdict } from '../cors-context.js';
import type { CorsDecider } from '../cors-decider.js';

/**
 * Property of Node's request object (Express's request, Fastify's `request.raw`) holding its
 * `CorsRequestState`, where Node's response reads it from its `req`. Registered for the
 * process, so that the one response hook reads it whichever copy of the package recorded it:
 * its `verdict`, which the hook reads, is a contract between versions of the package.
 */
export const CORS_STATE = Symbol.for('nestjs-cors-policy:state');

/** What the module has decided for a request so far. */
export interface CorsRequestState {
  readonly request: CorsRequest;
  /** Who decided. */
  readonly decider: CorsDecider;
  readonly verdict: CorsVerdict;
  /**
   * Nest's CSRF check trusted the request on this decision: the handler that runs must trust
   * it too.
   */
  readonly trustedForCsrf?: boolean;
}

/** Node's request object, which the module may have decided for. */
export interface StatefulRequest {
  [CORS_STATE]?: CorsRequestState;
}

/**
 * Records `state` as the request's current decision, which its response applies when its
 * headers are written, however they are written (a handler's result, an exception filter, the
 * adapter's 404 or body-parser error, a stream or a raw `writeHead()`): see `useResponseHook()`.
 *
 * A denied origin must not revalidate or resume a response it could read while it was
 * allowed: a 304 or a 206 carries no CORS headers, and the browser would keep those it
 * stored. Without the validators, the app answers in full, and without CORS headers.
 */
export function recordState(
  holder: StatefulRequest,
  state: CorsRequestState,
): void {
  holder[CORS_STATE] = state;
  const { request, verdict } = state;
  if (verdict && !verdict.allowed && !request.preflight) {
    dropValidators(request.headers);
  }
}

function dropValidators(headers: CorsRequest['headers']): void {
  if (headers.origin === undefined) return;
  if (headers['if-none-match'] !== undefined) delete headers['if-none-match'];
  if (headers['if-modified-since'] !== undefined)
    delete headers['if-modified-since'];
  if (headers['if-range'] !== undefined) {
    delete headers['if-range'];
    delete headers.range;
  }
}
