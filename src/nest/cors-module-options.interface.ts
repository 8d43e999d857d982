import type { Type } from '@nestjs/common';
import type { CorsPolicyOptions } from '../core/cors-policy-options.js';
import type { CorsPolicyProvider } from './cors-policy-provider.interface.js';

/**
 * A policy by name (from `policies`), inline, or as a provider class.
 *
 * @publicApi
 */
export type CorsPolicyRef =
  string | CorsPolicyOptions | Type<CorsPolicyProvider>;

/**
 * A bounded time-to-live cache for what policy providers return.
 *
 * @publicApi
 */
export interface CorsProviderCacheOptions {
  /** How long a provider's answer is reused, in milliseconds. */
  ttl: number;
  /** The most answers kept; the least recently used go first. Default: 1000. */
  max?: number;
}

/**
 * The options of `CorsModule.forRoot()`, and what `forRootAsync()` factories return.
 *
 * @publicApi
 */
export interface CorsModuleOptions {
  /**
   * For routes without `@CorsPolicy` and for responses no controller route produced
   * (404s, static files, raw middleware). Omitted or `false`: no CORS anywhere except
   * where a decorator opts in.
   */
  default?: CorsPolicyRef | false;
  /** Named policies, for `default: 'name'` and `@CorsPolicy('name')`. */
  policies?: Record<string, CorsPolicyOptions | Type<CorsPolicyProvider>>;
  /** Make `CorsService` injectable everywhere without importing the module. Default: `false`. */
  isGlobal?: boolean;
  /** Cache provider answers by their `cacheKey()`. Omitted: providers are asked on every request. */
  providerCache?: CorsProviderCacheOptions;
  /**
   * How long, in milliseconds, a request waits for a provider's asynchronous `getPolicy()`.
   * A provider that has not settled by then fails closed: the request is denied, and logged.
   * Default: 5000.
   */
  providerTimeout?: number;
}
