import type { INestApplication } from '@nestjs/common';
import { NORMALIZED_METHODS } from '../core/compile-policy.js';
import { showError } from '../core/show-value.js';
import { type CorsExplainRequest, CorsService } from '../nest/cors.service.js';
import { corsCheckFailure, preflightFailure } from './fetch-cors-check.js';
import { type CorsTestResponse, sendRequest } from './send-request.js';

/**
 * A preflight, as a browser sends it before a request it may not send unasked.
 *
 * @publicApi
 */
export interface CorsTestPreflight {
  /** The path of the actual request, with any query string: `/api/orders?draft=1`. */
  path: string;
  /** The page's origin: `https://app.example.com`. */
  origin: string;
  /**
   * The method of the actual request (`Access-Control-Request-Method`). `DELETE`, `GET`,
   * `HEAD`, `OPTIONS`, `POST` and `PUT` are upper-cased, as `fetch()` does.
   */
  method: string;
  /**
   * The names of the request headers the page sets that are not CORS-safelisted, which the
   * browser lists in `Access-Control-Request-Headers`: `['content-type', 'authorization']`
   * for a JSON body with a token.
   */
  headers?: string[];
  /**
   * Whether the page sends credentials, `fetch(url, { credentials: 'include' })`: the answer
   * must then name the origin and allow credentials. Default: `false`.
   */
  credentials?: boolean;
}

/**
 * An actual request from a page on another origin.
 *
 * @publicApi
 */
export interface CorsTestRequest {
  /** The path, with any query string. */
  path: string;
  /** The page's origin: `https://app.example.com`. */
  origin: string;
  /** Default: `GET`. Upper-cased as in `CorsTestPreflight`. */
  method?: string;
  /** More request headers to send, e.g. `{ authorization: 'Bearer …' }`. */
  headers?: Record<string, string>;
  /** Whether the page sends credentials, as in `CorsTestPreflight`. Default: `false`. */
  credentials?: boolean;
}

/**
 * Sends a preflight to the application over HTTP, judges its answer as a browser does (the
 * Fetch standard's CORS-preflight fetch: the origin, credentials, a 2xx status, the method
 * and headers allowed), and throws unless the outcome is `expected`. The error names what a
 * browser objects to, or what it allows, and the module's reason from
 * `CorsService.explain()`. It does not depend on a test framework.
 *
 * An application that does not listen yet is started on a free loopback port first.
 *
 * @param app an application whose `init()` has resolved.
 * @param preflight what the page is about to send.
 * @param expected `allowed`: the browser then sends the actual request; `refused`: it does not.
 * @returns the preflight's response, for more assertions.
 * @example
 * await expectCorsPreflight(
 *   app,
 *   { path: '/api/orders', origin: 'https://app.example.com', method: 'PUT', headers: ['content-type'] },
 *   'allowed',
 * );
 * @publicApi
 */
export async function expectCorsPreflight(
  app: INestApplication,
  preflight: CorsTestPreflight,
  expected: 'allowed' | 'refused',
): Promise<CorsTestResponse> {
  const { path, origin, credentials = false } = preflight;
  const method = asFetchSends(preflight.method);
  const names = [
    ...new Set((preflight.headers ?? []).map((name) => name.toLowerCase())),
  ].sort();
  const requestHeaders = names.length > 0 ? names.join(',') : undefined;
  const response = await sendRequest(app, 'OPTIONS', path, {
    origin,
    'access-control-request-method': method,
    ...(requestHeaders && { 'access-control-request-headers': requestHeaders }),
  });
  const failure = preflightFailure(response, {
    origin,
    credentials,
    method,
    headers: names,
  });
  await judge(app, response, failure, {
    what: `the preflight of ${method} ${path}${requestHeaders ? ` with ${names.join(', ')}` : ''}${withCredentials(credentials)} from ${origin}`,
    expected,
    outcomes: ['allowed', 'refused'],
    explain: {
      method: 'OPTIONS',
      path,
      origin,
      requestMethod: method,
      requestHeaders,
    },
  });
  return response;
}

/**
 * Sends an actual request to the application over HTTP, judges its answer as a browser does
 * (the Fetch standard's CORS check: `Access-Control-Allow-Origin` is the origin, or `*`
 * without credentials, and `Access-Control-Allow-Credentials: true` with them), and throws
 * unless the page can read it as `expected`. The error names what a browser objects to, or
 * what lets the page read it, and the module's reason from `CorsService.explain()`. It does
 * not depend on a test framework.
 *
 * It sends the request alone: for one that needs a preflight, check that with
 * `expectCorsPreflight()`. An application that does not listen yet is started on a free
 * loopback port first.
 *
 * @param app an application whose `init()` has resolved.
 * @param request what the page sends.
 * @param expected `readable`: the page can read the response; `unreadable`: its `fetch()` fails.
 * @returns the response, for more assertions.
 * @example
 * await expectCorsRequest(app, { path: '/api/orders', origin: 'https://evil.example' }, 'unreadable');
 * @publicApi
 */
export async function expectCorsRequest(
  app: INestApplication,
  request: CorsTestRequest,
  expected: 'readable' | 'unreadable',
): Promise<CorsTestResponse> {
  const { path, origin, credentials = false } = request;
  const method = asFetchSends(request.method ?? 'GET');
  const response = await sendRequest(app, method, path, {
    ...request.headers,
    origin,
  });
  const failure = corsCheckFailure(response.headers, { origin, credentials });
  await judge(app, response, failure, {
    what: `the response to ${method} ${path}${withCredentials(credentials)} from ${origin}`,
    expected,
    outcomes: ['readable', 'unreadable'],
    explain: { method, path, origin },
  });
  return response;
}

interface Judgement<Outcome extends string> {
  /** The request, for the error: `the preflight of PUT /api/orders from https://a.dev`. */
  what: string;
  expected: Outcome;
  /** What a browser's success and failure are called. */
  outcomes: readonly [Outcome, Outcome];
  /** The same request, for `CorsService.explain()`. */
  explain: CorsExplainRequest;
}

/** Throws unless the browser's `failure` (none: success) is the outcome expected. */
async function judge<Outcome extends string>(
  app: INestApplication,
  response: CorsTestResponse,
  failure: string | undefined,
  { what, expected, outcomes: [success, refusal], explain }: Judgement<Outcome>,
): Promise<void> {
  const actual = failure === undefined ? success : refusal;
  if (actual === expected) return;
  const why =
    failure ??
    Object.entries(response.headers)
      .filter(([name]) => name.startsWith('access-control-'))
      .map(([name, value]) => `${name}: ${String(value)}`)
      .join(', ');
  throw new Error(
    `Expected ${what} to be ${expected}, but a browser finds it ${actual}: ${why} (status ${response.status}).\n${await moduleReason(app, explain)}`,
  );
}

/** What `CorsService.explain()` says of the request, on one line. */
async function moduleReason(
  app: INestApplication,
  request: CorsExplainRequest,
): Promise<string> {
  try {
    const { route, policy, reason, code } = await app
      .get(CorsService)
      .explain(request);
    const policyName = policy === null ? 'no policy' : `policy ${policy}`;
    const withCode = code && code !== reason ? ` (${code})` : '';
    return `CorsModule: ${route ?? 'no route'}, ${policyName}: ${reason}${withCode}`;
  } catch (error) {
    return `CorsModule could not explain it: ${showError(error)}`;
  }
}

/** A method as `fetch()` sends it: the six it normalises upper-cased, any other as written. */
function asFetchSends(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

const withCredentials = (credentials: boolean) =>
  credentials ? ' with credentials' : '';
