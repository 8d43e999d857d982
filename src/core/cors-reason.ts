/**
 * Why a request was answered as it was, for machines: in decision events, the debug header,
 * the debug log and `explain()`. Stable: a code is never renamed, only added.
 *
 * - `allowed`: the policy grants the origin (and, for a preflight, the method and headers).
 * - `no_origin`: the request has no `Origin` header, so it needs no CORS header.
 * - `malformed_origin`: `Origin` is not an origin as browsers send it.
 * - `origin_not_allowed`: the policy does not list the origin.
 * - `origin_function_failed`: the policy's origin function threw or rejected.
 * - `origin_function_timeout`: the policy's origin function did not answer within
 *   `providerTimeout`.
 * - `malformed_method`, `method_not_allowed`: `Access-Control-Request-Method`.
 * - `malformed_headers`, `header_not_allowed`: `Access-Control-Request-Headers`.
 * - `private_network_not_allowed`: a Private Network Access preflight the policy refuses.
 * - `provider_failed`: a policy provider threw, rejected or returned an invalid policy.
 * - `provider_timeout`: a policy provider did not answer within `providerTimeout`.
 * - `route_without_cors`: the request may reach a route with CORS off next to routes with it.
 *
 * @publicApi
 */
export type CorsReasonCode =
  | 'allowed'
  | 'no_origin'
  | 'malformed_origin'
  | 'origin_not_allowed'
  | 'origin_function_failed'
  | 'origin_function_timeout'
  | 'malformed_method'
  | 'method_not_allowed'
  | 'malformed_headers'
  | 'header_not_allowed'
  | 'private_network_not_allowed'
  | 'provider_failed'
  | 'provider_timeout'
  | 'route_without_cors';
