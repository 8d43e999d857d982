import type { Type } from '@nestjs/common';
import type { CorsPolicyOptions } from '../core/cors-policy-options.js';
import type { CorsDecisionEvent } from './cors-decision-event.js';
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
 * A policy for responses no controller produces under a path: GraphQL, Swagger UI, static
 * files, raw `app.use()` handlers, health checks.
 *
 * @publicApi
 */
export interface CorsPathRule {
  /**
   * A path as requests have it (`/graphql`), or a prefix ending with `*` (`/docs*`), compared
   * byte for byte with the request path, case-sensitive.
   */
  path: string;
  /** The policy (a name, inline options or a provider class), or `false` for no CORS. */
  policy: CorsPolicyRef | false;
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
  /**
   * Policies by path for responses that no controller route produces (GraphQL, Swagger,
   * static files, raw middleware, 404s), tried in order before `default`. Controller routes
   * keep their own policies, under any path.
   */
  paths?: CorsPathRule[];
  /** Named policies, for `default: 'name'` and `@CorsPolicy('name')`. */
  policies?: Record<string, CorsPolicyOptions | Type<CorsPolicyProvider>>;
  /** Make `CorsService` injectable everywhere without importing the module. Default: `false`. */
  isGlobal?: boolean;
  /** Cache provider answers by their `cacheKey()`. Omitted: providers are asked on every request. */
  providerCache?: CorsProviderCacheOptions;
  /**
   * How long, in milliseconds, a request waits for a provider's asynchronous `getPolicy()`,
   * and for a policy's origin function. One that has not settled by then fails closed: the
   * request is denied (`provider_timeout`, `origin_function_timeout`), and logged at ERROR.
   * Default: 5000.
   */
  providerTimeout?: number;
  /**
   * Called with every decision, synchronously and cheaply: count them, do not wait on I/O.
   * A listener that throws is logged and does not affect the response. Without one, the
   * module builds no event.
   */
  onDecision?: (event: CorsDecisionEvent) => void;
  /**
   * Adds a `CORS-Denied` response header to refused preflights and denied requests, naming
   * the reason code, the reason and the policy, so DevTools shows why next to the browser's
   * generic "CORS error". It tells anyone your policy: turn it on only to diagnose, also at
   * run time with `CorsService.setDebug()`. Default: `false`.
   */
  debug?: boolean;
}
