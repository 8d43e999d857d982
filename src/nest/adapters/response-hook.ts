import { type OutgoingHttpHeader, ServerResponse } from 'node:http';
import { Http2ServerResponse } from 'node:http2';
import type { CorsDecision } from '../../core/cors-decision.js';
import { applyCorsHeaders, withCorsHeaders } from './apply-cors-headers.js';
import { CORS_STATE, type StatefulRequest } from './cors-request-state.js';

type WriteHead = (
  this: ServerResponse,
  statusCode: number,
  reason?: unknown,
  headers?: unknown,
) => ServerResponse;

/**
 * The hook in place, shared by every copy of the package the process has loaded, and by every
 * realm (Jest gives each test file one): kept on Node's response prototype, under a key
 * registered for the process.
 */
interface InstalledHook {
  /** How many bindings use it: the last one to stop restores Node's functions. */
  users: number;
  readonly restore: () => void;
}

const INSTALLED = Symbol.for('nestjs-cors-policy:response-hook');
const NAMES = ['writeHead', 'writeHeader'] as const;

/**
 * Makes `writeHead()`, which Node calls before any response's headers go out, put the decision
 * current on the response's `req` on the response, or on the headers it is handed, until the
 * returned function is called. The hook is one for the process, whatever copies of the package
 * are loaded, on the prototypes of Node's HTTP/1 and HTTP/2 responses, so nothing is left to do
 * per response: however an app's responses inherit (Express gives each app's responses a
 * prototype of the app's own, and an Express app run as middleware swaps it without putting it
 * back), Node's prototype is at the root. A response whose request no app decided for is
 * written as it is. Once the last user stops, Node's own functions are put back, unless
 * something else has wrapped the hook since, which is then left as it is.
 */
export function useResponseHook(): () => void {
  const shared = ServerResponse.prototype as { [INSTALLED]?: InstalledHook };
  let hook = shared[INSTALLED];
  if (!hook) {
    hook = { users: 0, restore: installHook() };
    Object.defineProperty(shared, INSTALLED, {
      configurable: true,
      value: hook,
    });
  }
  hook.users++;
  let used = true;
  return function stopUsingResponseHook() {
    if (!used) return;
    used = false;
    if (--hook.users > 0) return;
    hook.restore();
    delete shared[INSTALLED];
  };
}

/** Puts the hook on Node's response prototypes; returns what puts their functions back. */
function installHook(): () => void {
  const restores: Array<() => void> = [];
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
    for (const name of NAMES) {
      const own = Object.getOwnPropertyDescriptor(prototype, name);
      if (!own) continue;
      Object.defineProperty(prototype, name, {
        ...own,
        value: writeHeadWithCors,
      });
      restores.push(() => {
        if (
          Object.getOwnPropertyDescriptor(prototype, name)?.value ===
          writeHeadWithCors
        )
          Object.defineProperty(prototype, name, own);
      });
    }
  }
  return function restoreNodeResponses() {
    for (const restore of restores) restore();
  };
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
