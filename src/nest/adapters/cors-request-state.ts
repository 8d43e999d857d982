import type { ServerResponse } from 'node:http';
import onHeaders from 'on-headers';
import type { CorsRequest } from '../../core/cors-policy-options.js';
import type { CorsSources, CorsVerdict } from '../cors-engine.js';
import { applyCorsHeaders } from './apply-cors-headers.js';

/** Property of the adapter's request object holding its `CorsRequestState`. */
export const CORS_STATE = Symbol('nestjs-cors-policy:state');

/** What the module has decided for a request so far. */
export interface CorsRequestState {
  readonly request: CorsRequest;
  /** The policies the verdict came from. */
  readonly sources: CorsSources;
  readonly verdict: CorsVerdict;
}

/** A request object the module has decided for. */
export interface StatefulRequest {
  [CORS_STATE]?: CorsRequestState;
}

/**
 * Records `state` as the request's current decision. The first time, arranges for the decision
 * current when the response headers are written to be applied, however they are written: a
 * handler's result, an exception filter, the adapter's 404 or body-parser error, a stream or
 * a raw `writeHead()`.
 *
 * A denied origin must not revalidate or resume a response it could read while it was
 * allowed: a 304 or a 206 carries no CORS headers, and the browser would keep those it
 * stored. Without the validators, the app answers in full, and without CORS headers.
 */
export function trackResponse(
  holder: StatefulRequest,
  response: ServerResponse,
  state: CorsRequestState,
): void {
  const tracked = holder[CORS_STATE] !== undefined;
  holder[CORS_STATE] = state;
  const { request, verdict } = state;
  if (verdict && !verdict.allowed && !request.preflight) {
    dropValidators(request.headers);
  }
  if (tracked) return;
  onHeaders(response, function (this: ServerResponse) {
    const { verdict } = holder[CORS_STATE]!;
    if (verdict) applyCorsHeaders(this, verdict);
  });
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
