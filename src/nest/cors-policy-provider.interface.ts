import type {
  CorsPolicyOptions,
  CorsRequest,
} from '../core/cors-policy-options.js';

/**
 * A policy computed per request by an injectable class, e.g. a tenant's origins read from a
 * database. Register the class as a provider like any service; its dependencies are injected.
 *
 * @publicApi
 */
export interface CorsPolicyProvider {
  /**
   * The policy for this request, or `false` for no CORS. Each distinct object returned is
   * validated and compiled once, so returning a cached object costs nothing. A throw or a
   * rejection denies the request and is logged.
   */
  getPolicy(
    request: CorsRequest,
  ): CorsPolicyOptions | false | Promise<CorsPolicyOptions | false>;
  /**
   * With the module's `providerCache` on: the key under which this request's policy is
   * cached (the tenant, say). Return `undefined`, or leave the method out, not to cache.
   */
  cacheKey?(request: CorsRequest): string | undefined;
}
