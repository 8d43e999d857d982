import { Inject, Injectable, Logger, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { LRUCache } from 'lru-cache';
import { compilePolicy } from '../core/compile-policy.js';
import type { CompiledCorsPolicy } from '../core/compiled-policy.js';
import { type CorsConfigIssue } from '../core/config-issue.js';
import { describeError } from '../core/cors-decision.js';
import { showValue } from '../core/show-value.js';
import type {
  CorsPolicyOptions,
  CorsRequest,
} from '../core/cors-policy-options.js';
import { DEFAULT_POLICY } from './cors.constants.js';
import { CORS_MODULE_OPTIONS } from './cors-module.definition.js';
import type {
  CorsModuleOptions,
  CorsPolicyRef,
} from './cors-module-options.interface.js';
import type { CorsPolicyMetadata } from './cors-policy.decorator.js';
import type { CorsPolicyProvider } from './cors-policy-provider.interface.js';
import type {
  PolicyFailure,
  PolicySource,
  ResolvedPolicy,
} from './policy-source.js';

type ProviderSource = Extract<PolicySource, { kind: 'provider' }>;

const isPositiveInteger = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) > 0;

const DEFAULT_CACHE_SIZE = 1000;
const DEFAULT_PROVIDER_TIMEOUT = 5000;

/**
 * Turns policy references (names, inline options, provider classes) into policy sources,
 * compiling each static policy once, and resolves provider policies per request.
 */
@Injectable()
export class CorsPolicyRegistry {
  private readonly logger = new Logger('CorsModule');
  private readonly named = new Map<string, PolicySource>();
  private readonly inline = new WeakMap<object, PolicySource>();
  /** What each distinct object a provider returned compiled to. */
  private readonly compiled = new WeakMap<
    object,
    CompiledCorsPolicy | PolicyFailure
  >();
  /** One source per provider class, however many routes name it. */
  private readonly providers = new Map<Function, PolicySource>();
  /** What is wrong with the configuration, found by `load()` and `forRoute()`. */
  readonly issues: CorsConfigIssue[] = [];
  /** The default policy, `undefined` for none. Set by `load()`. */
  defaultSource: PolicySource | undefined;

  constructor(
    @Inject(CORS_MODULE_OPTIONS) private readonly options: CorsModuleOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Compiles the module's policies. */
  load(): void {
    const { policies = {}, providerCache, providerTimeout } = this.options;
    if (providerTimeout !== undefined && !isPositiveInteger(providerTimeout)) {
      this.report(
        'CorsModule',
        'providerTimeout',
        `${showValue(providerTimeout)} is not a positive whole number of milliseconds`,
      );
    }
    const { ttl, max = DEFAULT_CACHE_SIZE } = providerCache ?? {};
    if (providerCache && !isPositiveInteger(ttl)) {
      this.report(
        'CorsModule',
        'providerCache.ttl',
        `${showValue(ttl)} is not a positive whole number of milliseconds`,
      );
    }
    if (providerCache && !isPositiveInteger(max)) {
      this.report(
        'CorsModule',
        'providerCache.max',
        `${showValue(max)} is not a positive whole number of entries`,
      );
    }
    for (const [name, ref] of Object.entries(policies)) {
      const source = this.sourceOf(name, `policy ${JSON.stringify(name)}`, ref);
      if (source) this.named.set(name, source);
    }
    const ref = this.options.default;
    this.defaultSource =
      ref === undefined || ref === false
        ? undefined
        : this.refToSource(ref, 'default policy', 'default');
  }

  /**
   * The source for a route's `@CorsPolicy` metadata (`undefined` metadata: the default).
   * `inlineName` names an inline policy after where it is declared: `Controller (inline)`.
   */
  forRoute(
    metadata: CorsPolicyMetadata | undefined,
    routeId: string,
    inlineName: string,
  ): PolicySource | undefined {
    if (metadata === undefined) return this.defaultSource;
    if (metadata === false) return undefined;
    if (metadata === DEFAULT_POLICY) {
      if (!this.defaultSource) {
        this.report(
          routeId,
          '@CorsPolicy()',
          'the module has no default policy; set default in CorsModule.forRoot() or name a policy',
        );
      }
      return this.defaultSource;
    }
    return this.refToSource(metadata, routeId, inlineName);
  }

  private refToSource(
    ref: CorsPolicyRef,
    subject: string,
    inlineName: string,
  ): PolicySource | undefined {
    if (typeof ref === 'string') {
      const source = this.named.get(ref);
      if (!source && !Object.hasOwn(this.options.policies ?? {}, ref)) {
        const known = Object.keys(this.options.policies ?? {});
        this.report(
          subject,
          'policy',
          `no policy is named ${JSON.stringify(ref)}; known policies: ${known.length ? known.join(', ') : 'none'}`,
        );
      }
      return source;
    }
    if (typeof ref === 'object' && ref !== null) {
      const cached = this.inline.get(ref);
      if (cached) return cached;
      const source = this.sourceOf(inlineName, subject, ref);
      if (source) this.inline.set(ref, source);
      return source;
    }
    return this.sourceOf(ref.name, subject, ref);
  }

  private sourceOf(
    name: string,
    subject: string,
    ref: CorsPolicyOptions | Type<CorsPolicyProvider>,
  ): PolicySource | undefined {
    if (typeof ref === 'function') {
      const known = this.providers.get(ref);
      if (known) return known;
      const provider = this.lookUp(ref, subject);
      if (!provider) return undefined;
      const source: PolicySource = {
        kind: 'provider',
        name: ref.name,
        provider,
        cache: this.createCache(),
      };
      this.providers.set(ref, source);
      return source;
    }
    const { policy, issues } = compilePolicy(name, subject, ref);
    this.issues.push(...issues);
    return policy && { kind: 'static', name, policy };
  }

  private createCache():
    LRUCache<string, CompiledCorsPolicy | false> | undefined {
    const { providerCache } = this.options;
    if (!providerCache || !isPositiveInteger(providerCache.ttl))
      return undefined;
    const max = providerCache.max ?? DEFAULT_CACHE_SIZE;
    return isPositiveInteger(max)
      ? new LRUCache({ max, ttl: providerCache.ttl })
      : undefined;
  }

  private lookUp(
    type: Type<CorsPolicyProvider>,
    subject: string,
  ): CorsPolicyProvider | undefined {
    let provider: CorsPolicyProvider | undefined;
    try {
      provider = this.moduleRef.get(type, { strict: false });
    } catch {
      this.report(
        subject,
        'provider',
        `${type.name} is not a registered provider; add it to the providers of a module`,
      );
      return undefined;
    }
    if (typeof provider?.getPolicy !== 'function') {
      this.report(
        subject,
        'provider',
        `${type.name} has no getPolicy(request) method`,
      );
      return undefined;
    }
    return provider;
  }

  private report(subject: string, field: string, message: string): void {
    this.issues.push({ severity: 'error', subject, field, message });
  }

  /**
   * The policy of `source` for one request; asks the provider when it is one. A provider that
   * has not answered within `providerTimeout` fails: the request is denied.
   */
  resolve(
    source: PolicySource,
    request: CorsRequest,
  ): ResolvedPolicy | Promise<ResolvedPolicy> {
    if (source.kind === 'static') return source.policy;
    const { provider, name, cache } = source;
    let key: string | undefined;
    try {
      key = cache && provider.cacheKey?.(request);
      const hit = key === undefined ? undefined : cache!.get(key);
      if (hit !== undefined) return hit;
      const answer = provider.getPolicy(request);
      return answer instanceof Promise
        ? this.withinTimeout(name, answer).then(
            (value) => this.accept(source, key, value),
            (error: unknown) => this.fail(name, error),
          )
        : this.accept(source, key, answer);
    } catch (error) {
      return this.fail(name, error);
    }
  }

  private withinTimeout<T>(name: string, answer: Promise<T>): Promise<T> {
    const ms = this.options.providerTimeout ?? DEFAULT_PROVIDER_TIMEOUT;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `getPolicy() did not settle within ${ms} ms (providerTimeout)`,
            ),
          ),
        ms,
      );
      timer.unref();
    });
    return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
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
    const policy = answer === false ? false : this.compileAnswer(name, answer);
    if (policy !== false && 'failure' in policy) return policy;
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
      };
      if ('failure' in compiled)
        this.logger.error(`CORS provider ${name} ${compiled.failure}`);
      this.compiled.set(answer, compiled);
    }
    return compiled;
  }

  private fail(name: string, error: unknown): ResolvedPolicy {
    this.logger.error(
      `CORS provider ${name} failed, so the request is denied: ${describeError(error)}`,
    );
    return { failure: 'provider failed' };
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
