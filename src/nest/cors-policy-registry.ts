import { Inject, Injectable, type Type } from '@nestjs/common';
import { compilePolicy } from '../core/compile-policy.js';
import { type PathPattern, parsePathPattern } from '../core/path-pattern.js';
import { showValue } from '../core/show-value.js';
import { configError, type CorsConfigIssue } from '../core/config-issue.js';
import type { CorsPolicyOptions } from '../core/cors-policy-options.js';
import { DEFAULT_POLICY } from './cors.constants.js';
import { CORS_MODULE_OPTIONS } from './cors-module.definition.js';
import type {
  CorsModuleOptions,
  CorsPolicyRef,
} from './cors-module-options.interface.js';
import type { CorsPolicyMetadata } from './cors-policy.decorator.js';
import type { CorsPolicyProvider } from './cors-policy-provider.interface.js';
import { type CorsDecider, CorsDeciders } from './cors-decider.js';
import { CorsProviderClient } from './cors-provider-client.js';
import type { PolicySource } from './policy-source.js';

/** A rule of the module's `paths` option, compiled. */
export interface CorsPathPolicy {
  readonly pattern: PathPattern;
  /** The policy it gives; `undefined` for no CORS. */
  readonly source: PolicySource | undefined;
  /** Decides for the responses no controller produces under it: `paths /graphql`. */
  readonly decider: CorsDecider;
}

/** The default policy, and its deciders. */
interface CorsDefault {
  readonly source: PolicySource | undefined;
  /** For a response no route produced (a 404, a body-parser error): `(no route)`. */
  readonly noRoute: CorsDecider;
  /** For a route no controller owns: `(raw route)`. */
  readonly rawRoute: CorsDecider;
}

/**
 * Turns policy references (names, inline options, provider classes) into policy sources,
 * compiling each static policy once, and collects what is wrong with them.
 */
@Injectable()
export class CorsPolicyRegistry {
  private readonly named = new Map<string, PolicySource>();
  private readonly inline = new WeakMap<object, PolicySource>();
  private readonly found: CorsConfigIssue[] = [];
  private loaded:
    { default: CorsDefault; paths: readonly CorsPathPolicy[] } | undefined;

  constructor(
    @Inject(CORS_MODULE_OPTIONS) private readonly options: CorsModuleOptions,
    private readonly providers: CorsProviderClient,
    private readonly deciders: CorsDeciders,
  ) {}

  /** Compiles the module's policies; every provider must exist by then. */
  load(): void {
    const { policies = {}, default: ref } = this.options;
    for (const [name, each] of Object.entries(policies)) {
      const source = this.compileSource(
        name,
        `policy ${JSON.stringify(name)}`,
        each,
      );
      if (source) this.named.set(name, source);
    }
    const source =
      ref === undefined || ref === false
        ? undefined
        : this.sourceOfRef(ref, 'default policy', 'default');
    this.loaded = {
      default: {
        source,
        noRoute: this.deciders.of('(no route)', [source]),
        rawRoute: this.deciders.of('(raw route)', [source]),
      },
      paths: this.loadPaths(),
    };
  }

  private loadPaths(): CorsPathPolicy[] {
    const { paths = [] } = this.options;
    if (!Array.isArray(paths)) {
      this.report(
        'invalid_value',
        'CorsModule',
        'paths',
        `${showValue(paths)} is not a list; write paths: [{ path: '/graphql', policy: 'spa' }]`,
      );
      return [];
    }
    return paths.flatMap((rule, i) => {
      const subject = `paths[${i}]`;
      const parsed = parsePathPattern(rule?.path);
      if (parsed.error !== undefined) {
        this.report('invalid_path', subject, 'path', parsed.error);
        return [];
      }
      const { policy } = rule;
      if (policy === undefined) {
        this.report(
          'missing_value',
          subject,
          'policy',
          'is required: a policy name, inline options, a provider class, or false for no CORS',
        );
        return [];
      }
      const name = `paths ${parsed.pattern.text}`;
      const source =
        policy === false ? undefined : this.sourceOfRef(policy, subject, name);
      const decider = this.deciders.of(name, [source]);
      return [{ pattern: parsed.pattern, source, decider }];
    });
  }

  /** The path rules, in order, each with the policy it gives. */
  get paths(): readonly CorsPathPolicy[] {
    return this.loaded?.paths ?? [];
  }

  /** The default policy, `undefined` for none. */
  get defaultSource(): PolicySource | undefined {
    return this.loaded?.default.source;
  }

  /** The decider of the default policy, for a response no route produced, or for a raw route. */
  defaultDecider(raw: boolean): CorsDecider {
    const { default: fallback } = this.loaded!;
    return raw ? fallback.rawRoute : fallback.noRoute;
  }

  /** What is wrong with the policies, found by `load()` and `forRoute()`. */
  get issues(): readonly CorsConfigIssue[] {
    return [...this.providers.issues, ...this.found];
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
          'unknown_policy',
          routeId,
          '@CorsPolicy()',
          'the module has no default policy; set default in CorsModule.forRoot() or name a policy',
        );
      }
      return this.defaultSource;
    }
    return this.sourceOfRef(metadata, routeId, inlineName);
  }

  private sourceOfRef(
    ref: CorsPolicyRef,
    subject: string,
    inlineName: string,
  ): PolicySource | undefined {
    if (typeof ref === 'string') {
      const source = this.named.get(ref);
      if (!source && !Object.hasOwn(this.options.policies ?? {}, ref)) {
        const known = Object.keys(this.options.policies ?? {});
        this.report(
          'unknown_policy',
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
      const source = this.compileSource(inlineName, subject, ref);
      if (source) this.inline.set(ref, source);
      return source;
    }
    return this.compileSource(ref.name, subject, ref);
  }

  private compileSource(
    name: string,
    subject: string,
    ref: CorsPolicyOptions | Type<CorsPolicyProvider>,
  ): PolicySource | undefined {
    if (typeof ref === 'function') {
      return this.providers.sourceOfProvider(ref, (message) =>
        this.report('invalid_provider', subject, 'provider', message),
      );
    }
    const { policy, issues } = compilePolicy(name, subject, ref);
    this.found.push(...issues);
    return policy && { kind: 'static', name, policy };
  }

  /** Records a configuration error, reported at bootstrap with the others. */
  private report(...issue: Parameters<typeof configError>): void {
    this.found.push(configError(...issue));
  }
}
