import type { CorsConfigIssue } from '../core/config-issue.js';
import { showValue } from '../core/show-value.js';
import type { CorsModuleOptions } from './cors-module-options.interface.js';

/** How provider policies are asked: within a timeout, and through a cache if one is set. */
export interface ProviderSettings {
  /** Milliseconds a request waits for an asynchronous answer. */
  readonly timeout: number;
  /** The bounds of each provider's cache, or `undefined` for none. */
  readonly cache: { readonly ttl: number; readonly max: number } | undefined;
}

const DEFAULT_TIMEOUT = 5000;
const DEFAULT_CACHE_SIZE = 1000;

const isPositiveInteger = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) > 0;

/** Validates the module's `providerTimeout` and `providerCache`; every problem is reported. */
export function providerSettings(options: CorsModuleOptions): {
  settings: ProviderSettings;
  issues: CorsConfigIssue[];
} {
  const issues: CorsConfigIssue[] = [];
  const check = (value: unknown, field: string, unit: string): boolean => {
    if (isPositiveInteger(value)) return true;
    issues.push({
      severity: 'error',
      code: 'invalid_value',
      subject: 'CorsModule',
      field,
      message: `${showValue(value)} is not a positive whole number of ${unit}`,
    });
    return false;
  };
  const { providerTimeout = DEFAULT_TIMEOUT, providerCache } = options;
  check(providerTimeout, 'providerTimeout', 'milliseconds');
  let cache: ProviderSettings['cache'];
  if (providerCache) {
    const { ttl, max = DEFAULT_CACHE_SIZE } = providerCache;
    const validTtl = check(ttl, 'providerCache.ttl', 'milliseconds');
    const validMax = check(max, 'providerCache.max', 'entries');
    if (validTtl && validMax) cache = { ttl, max };
  }
  return { settings: { timeout: providerTimeout, cache }, issues };
}
