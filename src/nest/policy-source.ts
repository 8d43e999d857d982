import type { LRUCache } from 'lru-cache';
import type { CompiledCorsPolicy } from '../core/compiled-policy.js';
import type { CorsPolicyProvider } from './cors-policy-provider.interface.js';

/** Where a route's policy comes from: fixed at bootstrap, or asked of a provider per request. */
export type PolicySource =
  | { kind: 'static'; name: string; policy: CompiledCorsPolicy }
  | {
      kind: 'provider';
      name: string;
      provider: CorsPolicyProvider;
      /** This provider's answers by `cacheKey()`, with the module's `providerCache` on. */
      cache: LRUCache<string, CompiledCorsPolicy | false> | undefined;
    }
  /**
   * Routes that one method and path reach, told apart only by host or version: before
   * routing, a preflight is allowed only if every one of them allows it, and an actual
   * request gets no CORS headers until the interceptor knows its handler.
   */
  | { kind: 'shared'; name: string; sources: Array<PolicySource | undefined> };

/** A provider that threw, rejected or returned an invalid policy: the request is denied. */
export interface PolicyFailure {
  failure: string;
}

/** A policy for one request: compiled, `false` for no CORS, or a failure. */
export type ResolvedPolicy = CompiledCorsPolicy | false | PolicyFailure;
