import type { OutgoingHttpHeader, ServerResponse } from 'node:http';
import type { CorsDecision } from '../../core/cors-decision.js';
import {
  hookWriteHead,
  processWide,
  type WriteHead,
} from '../internals/node-response.js';
import { applyCorsHeaders, withCorsHeaders } from './apply-cors-headers.js';
import { CORS_STATE, type StatefulRequest } from './cors-request-state.js';

/** The hook in place, shared by every copy of the package the process has loaded. */
interface InstalledHook {
  /** How many apps use it: the last one to stop restores Node's functions. */
  users: number;
  readonly restore: () => void;
}

const installed = processWide<InstalledHook>(
  Symbol.for('nestjs-cors-policy:response-hook'),
);

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
  let hook = installed.get();
  if (!hook) {
    hook = { users: 0, restore: hookWriteHead(withCors) };
    installed.set(hook);
  }
  hook.users++;
  let used = true;
  return function stopUsingResponseHook() {
    if (!used) return;
    used = false;
    if (--hook.users > 0) return;
    hook.restore();
    installed.set(undefined);
  };
}

/**
 * `writeHead` with the decision current on the response's `req` put in. Both of Node's take
 * the headers from the third argument whenever one is given, else from the second unless it is
 * a string.
 */
function withCors(writeHead: WriteHead): WriteHead {
  return function writeHeadWithCors(
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
