import type { IncomingHttpHeaders } from 'node:http';
import { SAFELISTED_METHODS } from '../core/compile-policy.js';
import { isToken } from '../core/token.js';

/** What a browser's judgement of a CORS response depends on. */
export interface FetchCorsRequest {
  /** The page's origin, as the browser sends it in `Origin`. */
  origin: string;
  /** Whether the request's credentials mode is `include`. */
  credentials: boolean;
}

/** What a browser's judgement of a preflight response depends on. */
export interface FetchPreflightRequest extends FetchCorsRequest {
  /** The method of the actual request, as the browser sends it. */
  method: string;
  /** The lower-case names the browser lists in `Access-Control-Request-Headers`. */
  headers: readonly string[];
}

/** The status and headers of a response, as `node:http` gives them. */
export interface FetchResponse {
  status: number;
  headers: IncomingHttpHeaders;
}

/**
 * Why a browser refuses to let the page read a response, by the CORS check of the Fetch
 * standard; `undefined` when it lets it.
 */
export function corsCheckFailure(
  headers: IncomingHttpHeaders,
  { origin, credentials }: FetchCorsRequest,
): string | undefined {
  const allowOrigin = headerValue(headers, 'access-control-allow-origin');
  if (allowOrigin === undefined)
    return 'the response has no Access-Control-Allow-Origin';
  if (allowOrigin === '*')
    return credentials
      ? 'Access-Control-Allow-Origin is *, which browsers refuse for a request with credentials'
      : undefined;
  if (allowOrigin !== origin)
    return `Access-Control-Allow-Origin is ${JSON.stringify(allowOrigin)}, not the origin`;
  if (!credentials) return undefined;
  const allowCredentials = headerValue(
    headers,
    'access-control-allow-credentials',
  );
  if (allowCredentials === 'true') return undefined;
  return allowCredentials === undefined
    ? 'the response has no Access-Control-Allow-Credentials, which a request with credentials needs'
    : `Access-Control-Allow-Credentials is ${JSON.stringify(allowCredentials)}, not "true"`;
}

/**
 * Why a browser fails a preflight, and so never sends the actual request, by the CORS-preflight
 * fetch of the Fetch standard; `undefined` when it passes.
 */
export function preflightFailure(
  { status, headers }: FetchResponse,
  request: FetchPreflightRequest,
): string | undefined {
  const failure = corsCheckFailure(headers, request);
  if (failure !== undefined) return failure;
  if (status < 200 || status > 299) return `its status ${status} is not 2xx`;
  const methods = listOf(headers, 'Access-Control-Allow-Methods');
  if (typeof methods === 'string') return methods;
  const names = listOf(headers, 'Access-Control-Allow-Headers');
  if (typeof names === 'string') return names;
  // Without credentials, `*` stands for any method and any header name but Authorization.
  const wildcard = (list: readonly string[]) =>
    !request.credentials && list.includes('*');
  const { method } = request;
  if (
    !methods.includes(method) &&
    !SAFELISTED_METHODS.includes(method) &&
    !wildcard(methods)
  )
    return `${show('Access-Control-Allow-Methods', methods)} does not allow ${method}`;
  const allowed = names.map((name) => name.toLowerCase());
  const refused = request.headers.find(
    (name) =>
      !allowed.includes(name) &&
      (name === 'authorization' || !wildcard(allowed)),
  );
  return refused === undefined
    ? undefined
    : `${show('Access-Control-Allow-Headers', names)} does not allow ${refused}${wildcard(allowed) ? ' (* never stands for authorization)' : ''}`;
}

/** A header as the Fetch standard gets it: repeated values joined by `, `. */
function headerValue(
  headers: IncomingHttpHeaders,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The items of a list header (`#method` or `#field-name`), none when it is absent; where one
 * of them is not a token, a browser fails the preflight, and this says why.
 */
function listOf(headers: IncomingHttpHeaders, name: string): string[] | string {
  const items = (headerValue(headers, name.toLowerCase()) ?? '')
    .split(',')
    .map((item) => item.replace(/^[ \t]+|[ \t]+$/g, ''))
    .filter((item) => item !== '');
  const invalid = items.find((item) => !isToken(item));
  return invalid === undefined
    ? items
    : `${show(name, items)} has ${JSON.stringify(invalid)}, which is not a name, so browsers fail the preflight`;
}

/** `Access-Control-Allow-Methods (GET,PUT)`, or `(absent)`. */
const show = (name: string, items: readonly string[]) =>
  `${name} (${items.join(',') || 'absent'})`;
