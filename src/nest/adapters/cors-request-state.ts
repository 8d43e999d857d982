import { type OutgoingHttpHeader, ServerResponse } from 'node:http';
import { Http2ServerResponse } from 'node:http2';
import type { CorsDecision } from '../../core/cors-decision.js';
import type { CorsRequest } from '../../core/cors-policy-options.js';
import type { CorsSources, CorsVerdict } from '../cors-engine.js';
import { applyCorsHeaders, withCorsHeaders } from './apply-cors-headers.js';

/**
 * Property of Node's request object (Express's request, Fastify's `request.raw`) holding its
 * `CorsRequestState`, where Node's response reads it from its `req`.
 */
export const CORS_STATE = Symbol('nestjs-cors-policy:state');

/** What the module has decided for a request so far. */
export interface CorsRequestState {
  readonly request: CorsRequest;
  /** The policies the verdict came from. */
  readonly sources: CorsSources;
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
 * adapter's 404 or body-parser error, a stream or a raw `writeHead()`): see `hookEveryResponse()`.
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

type WriteHead = (
  this: ServerResponse,
  statusCode: number,
  reason?: unknown,
  headers?: unknown,
) => ServerResponse;

let everyResponseHooked = false;

/**
 * Makes `writeHead()`, which Node calls before any response's headers go out, put the decision
 * current on the response's `req` on the response, or on the headers it is handed. It is done
 * once for the process, on the prototypes of Node's HTTP/1 and HTTP/2 responses, so nothing is
 * left to do per response. However an app's responses inherit (Express gives each app's
 * responses a prototype of the app's own, and an Express app run as middleware swaps it without
 * putting it back), Node's prototype is at the root. A response whose request the module did
 * not decide for is written as it is.
 */
export function hookEveryResponse(): void {
  if (everyResponseHooked) return;
  everyResponseHooked = true;
  for (const { prototype } of [ServerResponse, Http2ServerResponse]) {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its response below
    const writeHead = prototype.writeHead as WriteHead;
    // writeHead(statusCode[, statusMessage][, headers]): both of Node's take the headers from
    // the third argument whenever one is given, else from the second unless it is a string.
    const writeHeadWithCors: WriteHead = function (
      this: ServerResponse,
      statusCode,
      reason,
      headers,
    ) {
      const verdict = (this.req as StatefulRequest | undefined)?.[CORS_STATE]
        ?.verdict;
      if (!verdict) return writeHead.call(this, statusCode, reason, headers);
      if (headers == null && typeof reason !== 'string') {
        headers = reason;
        reason = undefined;
      }
      return writeHead.call(
        this,
        statusCode,
        reason,
        withDecision(this, verdict, headers),
      );
    };
    // Node's HTTP/1 response has `writeHeader()` too, an alias it made of the original.
    for (const name of ['writeHead', 'writeHeader'])
      if (name in prototype)
        Object.defineProperty(prototype, name, {
          configurable: true,
          writable: true,
          value: writeHeadWithCors,
        });
  }
}

/**
 * The headers handed to `writeHead()` with `verdict` put in: set on the response when none or
 * a list is handed, else in a copy of the object handed (see `withCorsHeaders()`).
 */
function withDecision(
  response: ServerResponse,
  verdict: CorsDecision,
  headers: unknown,
): unknown {
  if (headers === undefined || headers === null) {
    applyCorsHeaders(response, verdict);
    return headers;
  }
  if (Array.isArray(headers)) {
    setHeaderList(response, headers);
    applyCorsHeaders(response, verdict);
    return undefined;
  }
  return withCorsHeaders(
    response,
    verdict,
    headers as Record<string, OutgoingHttpHeader>,
  );
}

/**
 * Sets headers handed to `writeHead()` as a list, `[name, value, …]` or `[[name, value], …]`,
 * on the response as Node would: each replaces any set before, and a name may repeat.
 */
function setHeaderList(response: ServerResponse, list: unknown[]): void {
  const nested = Array.isArray(list[0]);
  if (!nested && list.length % 2 !== 0)
    throw new TypeError('headers array is malformed');
  const pairs: Array<[string, string]> = nested
    ? (list as Array<[string, string]>)
    : Array.from({ length: list.length >> 1 }, (_, i): [string, string] => [
        list[2 * i] as string,
        list[2 * i + 1] as string,
      ]);
  for (const [name] of pairs) response.removeHeader(name);
  for (const [name, value] of pairs)
    if (name) response.appendHeader(name, value);
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
