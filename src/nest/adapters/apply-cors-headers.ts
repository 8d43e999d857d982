import {
  type OutgoingHttpHeader,
  type OutgoingMessage,
  ServerResponse,
} from 'node:http';
import vary from 'vary';
import type { CorsDecision } from '../../core/cors-decision.js';

const OWNED_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
];

type HeaderValue = OutgoingHttpHeader | undefined;

/** 1 at the length of `vary` and of each owned name: a name of any other length is none of them. */
const NAME_LENGTHS = ['vary', ...OWNED_HEADERS].map((name) => name.length);
const OWNED_LENGTH = new Uint8Array(Math.max(...NAME_LENGTHS) + 1);
for (const length of NAME_LENGTHS) OWNED_LENGTH[length] = 1;

/**
 * Puts a decision on a response about to be written. The module owns the CORS response
 * headers: it sets those the decision has (replacing any set elsewhere, so there is exactly
 * one of each) and removes the others. `Vary` is merged with whatever the app set.
 * In debug mode, a denial also gets `CORS-Denied`.
 */
export function applyCorsHeaders(
  response: OutgoingMessage,
  decision: CorsDecision,
): void {
  const { headers } = decision;
  for (const name of OWNED_HEADERS) {
    const value = headers[name];
    if (value === undefined) response.removeHeader(name);
    else response.setHeader(name, value);
  }
  if (decision.vary)
    response.setHeader(
      'Vary',
      withVary(response.getHeader('vary'), decision.vary),
    );
  if (decision.debug) response.setHeader(DEBUG_HEADER, decision.debug);
}

/** The header the debug mode adds to denials. */
export const DEBUG_HEADER = 'cors-denied';

/** The headers of a preflight answer: the decision's, its `Vary`, and the debug header. */
export function preflightHeaders(
  decision: CorsDecision,
): Record<string, string> {
  const headers = { ...decision.headers };
  if (decision.vary) headers.vary = decision.vary;
  if (decision.debug) headers[DEBUG_HEADER] = decision.debug;
  return headers;
}

/**
 * `applyCorsHeaders()` for headers handed to `writeHead()` as an object, which override those
 * set on the response: returns them with the decision's, leaving the response as it is but for
 * removing owned headers the decision does not have. Where nothing is set on an HTTP/1
 * response, Node writes what it is handed as it is, without a `setHeader()` for each (Fastify
 * sends this way), and then takes a flat `[name, value, …]` list exactly as it takes an object,
 * for less: the headers come back as such a list. Anywhere else as an object, since Node (from
 * version 22 on HTTP/1) appends each name of a list instead of setting it.
 */
export function withCorsHeaders(
  response: OutgoingMessage,
  decision: CorsDecision,
  given: Readonly<Record<string, HeaderValue>>,
): HeaderValue[] | Record<string, HeaderValue> {
  const asList =
    response instanceof ServerResponse &&
    response.getHeaderNames().length === 0;
  let varyName: string | undefined;
  const list: HeaderValue[] = [];
  for (const name of Object.keys(given)) {
    if (OWNED_LENGTH[name.length] === 1) {
      const lower = name.toLowerCase();
      if (lower === 'vary') {
        varyName = name;
        continue;
      }
      if (OWNED_HEADERS.includes(lower)) continue;
    }
    list.push(name, given[name]);
  }
  for (const name of OWNED_HEADERS) {
    const value = decision.headers[name];
    if (value !== undefined) list.push(name, value);
    else if (!asList) response.removeHeader(name);
  }
  if (decision.vary) {
    const current =
      varyName === undefined ? response.getHeader('vary') : given[varyName];
    list.push(varyName ?? 'Vary', withVary(current, decision.vary));
  } else if (varyName !== undefined) list.push(varyName, given[varyName]);
  if (decision.debug) list.push(DEBUG_HEADER, decision.debug);
  if (asList) return list;
  const headers = Object.create(null) as Record<string, HeaderValue>;
  for (let i = 0; i < list.length; i += 2)
    headers[list[i] as string] = list[i + 1];
  return headers;
}

/** `Vary` with `field` merged in, as the `vary` package merges it. */
function withVary(current: HeaderValue, field: string): string {
  if (!current) return field;
  return vary.append(
    Array.isArray(current) ? current.join(', ') : String(current),
    field,
  );
}

/** Answers a preflight on a Node response, and ends it. */
export function answerPreflight(
  res: ServerResponse,
  decision: CorsDecision,
): void {
  res.statusCode = decision.status!;
  const headers = preflightHeaders(decision);
  for (const name in headers) res.setHeader(name, headers[name]!);
  if (decision.status !== 204) res.setHeader('Content-Length', '0');
  res.end();
}
