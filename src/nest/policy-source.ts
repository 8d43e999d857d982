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
      /**
       * This provider's answers by `cacheKey()`, with the module's `providerCache` on; `false`
       * for an answer of no CORS, which the cache cannot hold as `undefined`.
       */
      cache: LRUCache<string, CompiledCorsPolicy | false> | undefined;
    };

/** A provider that threw, rejected or returned an invalid policy: the request is denied. */
export interface PolicyFailure {
  failure: string;
  code: 'provider_failed' | 'provider_timeout';
}

/** A provider's policy for one request: compiled, `undefined` for no CORS, or a failure. */
export type ResolvedPolicy = CompiledCorsPolicy | undefined | PolicyFailure;
