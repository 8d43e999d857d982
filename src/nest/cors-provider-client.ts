import { Inject, Injectable, Logger, Scope, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { LRUCache } from 'lru-cache';
import { compilePolicy } from '../core/compile-policy.js';
import type { CompiledCorsPolicy } from '../core/compiled-policy.js';
import type { CorsConfigIssue } from '../core/config-issue.js';
import type {
  CorsPolicyOptions,
  CorsRequest,
} from '../core/cors-policy-options.js';
import { showError, showValue } from '../core/show-value.js';
import { CORS_MODULE_OPTIONS } from './cors-module.definition.js';
import type { CorsModuleOptions } from './cors-module-options.interface.js';
import type { CorsPolicyProvider } from './cors-policy-provider.interface.js';
import type {
  PolicyFailure,
  PolicySource,
  ResolvedPolicy,
} from './policy-source.js';
import {
  type ProviderSettings,
  providerSettings,
} from './provider-settings.js';
import { CorsTimeout, withinTimeout } from './within-timeout.js';

type ProviderSource = Extract<PolicySource, { kind: 'provider' }>;

/**
 * Asks the provider classes that compute policies per request: finds each provider once, then
 * asks it per request, within `providerTimeout`, through its own bounded cache, compiling each
 * distinct object it returns once.
 */
@Injectable()
export class CorsProviderClient {
  private readonly logger = new Logger('CorsModule');
  private readonly settings: ProviderSettings;
  /** What is wrong with `providerTimeout` and `providerCache`. */
  readonly issues: readonly CorsConfigIssue[];
  /** Milliseconds a request waits for a provider's or an origin function's answer. */
  readonly timeout: number;
  /** One source per provider class, however many routes name it. */
  private readonly sources = new Map<
    Type<CorsPolicyProvider>,
    ProviderSource
  >();
  /**
   * How many times each source's cache was invalidated: an answer asked for before an
   * invalidation and settled after it is not cached, so it cannot bring back what was dropped.
   */
  private readonly invalidations = new WeakMap<ProviderSource, number>();
  /** What each distinct object a provider returned compiled to. */
  private readonly compiled = new WeakMap<
    object,
    CompiledCorsPolicy | PolicyFailure
  >();

  constructor(
    @Inject(CORS_MODULE_OPTIONS) options: CorsModuleOptions,
    private readonly moduleRef: ModuleRef,
  ) {
    const { settings, issues } = providerSettings(options);
    this.settings = settings;
    this.issues = issues;
    this.timeout = settings.timeout;
  }

  /** The source of provider class `type`; `report` gets what makes it unusable. */
  sourceOfProvider(
    type: Type<CorsPolicyProvider>,
    report: (message: string) => void,
  ): ProviderSource | undefined {
    const known = this.sources.get(type);
    if (known) return known;
    const provider = this.lookUp(type, report);
    if (!provider) return undefined;
    const { cache } = this.settings;
    const source: ProviderSource = {
      kind: 'provider',
      name: type.name,
      provider,
      cache: cache && new LRUCache<string, CompiledCorsPolicy | false>(cache),
    };
    this.sources.set(type, source);
    return source;
  }

  private lookUp(
    type: Type<CorsPolicyProvider>,
    report: (message: string) => void,
  ): CorsPolicyProvider | undefined {
    let scope: Scope | undefined;
    try {
      scope = this.moduleRef.introspect(type).scope;
    } catch {
      report(
        `${type.name} is not a registered provider; add it to the providers of a module`,
      );
      return undefined;
    }
    if (scope !== undefined && scope !== Scope.DEFAULT) {
      report(
        `${type.name} is ${scope === Scope.REQUEST ? 'request' : 'transient'}-scoped; a policy provider is asked before any request scope exists: make it a singleton and read the request from getPolicy(request)`,
      );
      return undefined;
    }
    const provider = this.moduleRef.get(type, { strict: false });
    if (typeof provider?.getPolicy !== 'function') {
      report(`${type.name} has no getPolicy(request) method`);
      return undefined;
    }
    return provider;
  }

  /**
   * The policy of a provider for one request. A throw, a rejection, an invalid answer, or no
   * answer within `providerTimeout` fails: the request is denied.
   */
  ask(
    source: ProviderSource,
    request: CorsRequest,
  ): ResolvedPolicy | Promise<ResolvedPolicy> {
    const { provider, name, cache } = source;
    let key: string | undefined;
    try {
      key = cache && provider.cacheKey?.(request);
      const hit = key === undefined ? undefined : cache!.get(key);
      if (hit !== undefined) return hit === false ? undefined : hit;
      const answer = provider.getPolicy(request);
      if (!(answer instanceof Promise)) return this.accept(source, key, answer);
      const asked = this.invalidations.get(source);
      return withinTimeout(answer, this.timeout, 'getPolicy()').then(
        (value) =>
          this.accept(
            source,
            this.invalidations.get(source) === asked ? key : undefined,
            value,
          ),
        (error: unknown) => this.fail(name, error),
      );
    } catch (error) {
      return this.fail(name, error);
    }
  }

  /**
   * Drops the cached answers of provider class `type`: the one for `key`, or all of them.
   * Returns how many were dropped. Throws if no route, rule or gateway uses `type`.
   */
  invalidate(type: Type<CorsPolicyProvider>, key?: string): number {
    const source = this.sources.get(type);
    if (!source) {
      throw new Error(
        `${typeof type === 'function' ? type.name : showValue(type)} is not the CORS policy provider of any route, path rule or gateway`,
      );
    }
    const { cache } = source;
    this.invalidations.set(source, (this.invalidations.get(source) ?? 0) + 1);
    if (!cache) return 0;
    if (key !== undefined) return cache.delete(key) ? 1 : 0;
    const { size } = cache;
    cache.clear();
    return size;
  }

  private accept(
    source: ProviderSource,
    key: string | undefined,
    answer: CorsPolicyOptions | false,
  ): ResolvedPolicy {
    const { name, cache } = source;
    if (answer !== false && (typeof answer !== 'object' || answer === null)) {
      return this.fail(
        name,
        new Error(
          `getPolicy() returned ${showValue(answer)}, neither a policy nor false`,
        ),
      );
    }
    if (answer === false) {
      if (key !== undefined) cache!.set(key, false);
      return undefined;
    }
    const policy = this.compileAnswer(name, answer);
    if ('failure' in policy) return policy;
    if (key !== undefined) cache!.set(key, policy);
    return policy;
  }

  /** Compiles what a provider returned, once per distinct object. */
  private compileAnswer(
    name: string,
    answer: CorsPolicyOptions,
  ): CompiledCorsPolicy | PolicyFailure {
    let compiled = this.compiled.get(answer);
    if (!compiled) {
      freezePolicy(answer);
      const result = compilePolicy(name, `provider ${name}`, answer);
      const errors = result.issues.filter(
        (issue) => issue.severity === 'error',
      );
      compiled = result.policy ?? {
        failure: `returned an invalid policy: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
        code: 'provider_failed',
      };
      if ('failure' in compiled)
        this.logger.error(`CORS provider ${name} ${compiled.failure}`);
      this.compiled.set(answer, compiled);
    }
    return compiled;
  }

  private fail(name: string, error: unknown): ResolvedPolicy {
    this.logger.error(
      `CORS provider ${name} failed, so the request is denied: ${showError(error)}`,
    );
    return error instanceof CorsTimeout
      ? { failure: 'provider timed out', code: 'provider_timeout' }
      : { failure: 'provider failed', code: 'provider_failed' };
  }
}

/**
 * A provider's answer is compiled once per object: freezing it makes a later change in place
 * throw where it is written, instead of being silently ignored.
 */
function freezePolicy(answer: CorsPolicyOptions): void {
  for (const value of Object.values(answer)) {
    if (Array.isArray(value)) Object.freeze(value);
  }
  Object.freeze(answer);
}
