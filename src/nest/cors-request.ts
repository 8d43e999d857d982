import type { CorsRequest } from '../core/cors-policy-options.js';

/**
 * A request as policies see it, from what the adapter parsed. A preflight (`OPTIONS` with
 * `Origin` and `Access-Control-Request-Method`) carries the method it asks for.
 */
export function toCorsRequest(
  method: string,
  path: string,
  headers: CorsRequest['headers'],
  raw: unknown,
): CorsRequest {
  const requestMethod = headers['access-control-request-method'];
  const preflight =
    method === 'OPTIONS' &&
    headers.origin !== undefined &&
    requestMethod !== undefined;
  return {
    origin: typeof headers.origin === 'string' ? headers.origin : undefined,
    method: preflight ? String(requestMethod) : method,
    path,
    headers,
    preflight,
    raw,
  };
}
