import { type OutgoingHttpHeader, ServerResponse } from 'node:http';
import { Http2ServerResponse } from 'node:http2';
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

type WriteHead = (this: ServerResponse, ...args: unknown[]) => ServerResponse;

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
    Object.defineProperty(prototype, 'writeHead', {
      configurable: true,
      writable: true,
      value: function (this: ServerResponse, ...args: unknown[]) {
        return writeHead.apply(
          this,
          withDecision(this, this.req as StatefulRequest | undefined, args),
        );
      } satisfies WriteHead,
    });
  }
}

/** The arguments of `writeHead()`, with the decision current on `holder` put in. */
function withDecision(
  response: ServerResponse,
  holder: StatefulRequest | undefined,
  args: unknown[],
): unknown[] {
  const verdict = holder?.[CORS_STATE]?.verdict;
  if (!verdict) return args;
  // writeHead(statusCode[, statusMessage][, headers])
  // Node takes the headers from the third argument whenever one is given.
  const at = typeof args[1] === 'string' || args[2] != null ? 2 : 1;
  const headers = args[at];
  if (headers === undefined || headers === null) {
    applyCorsHeaders(response, verdict);
  } else if (Array.isArray(headers)) {
    setHeaderList(response, headers);
    args.length = at;
    applyCorsHeaders(response, verdict);
  } else {
    args[at] = withCorsHeaders(
      response,
      verdict,
      headers as Record<string, OutgoingHttpHeader>,
    );
  }
  return args;
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
