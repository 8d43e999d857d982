import { Injectable } from '@nestjs/common';
import type { CompiledCorsPolicy } from '../core/compiled-policy.js';
import {
  type AskOriginFunction,
  type CorsDecision,
  type CorsInput,
  decide,
  ORIGIN_FUNCTION_FAILED,
  ORIGIN_FUNCTION_TIMEOUT,
  originFunctionVerdict,
} from '../core/cors-decision.js';
import type { CorsRequest } from '../core/cors-policy-options.js';
import type { CorsReasonCode } from '../core/cors-reason.js';
import { intersectDecisions } from '../core/intersect-decisions.js';
import { showError } from '../core/show-value.js';
import type { CorsContext, CorsSources, CorsVerdict } from './cors-context.js';
import { CorsDecisionCache } from './cors-decision-cache.js';
import { type CorsDecided, CorsObservers } from './cors-observers.js';
import { CorsProviderClient } from './cors-provider-client.js';
import type { PolicySource, ResolvedPolicy } from './policy-source.js';
import { escapeForHeader } from './escape-for-header.js';
import { CorsTimeout, withinTimeout } from './within-timeout.js';

/** What `explain()` learns from a decider; nothing is logged or reported. */
export interface CorsExplained {
  readonly verdict: CorsVerdict;
  /** What the report-only policy of a single static policy would answer, if it has one. */
  readonly reportOnly: CorsDecision | undefined;
}

/**
 * Decides for the requests of one route, one `paths` rule or the default, made once at
 * bootstrap; or of several routes one request may reach, made for that request, which gets
 * nothing more than all of their policies allow. It holds where the requests go, its
 * policies, and what its decisions are shared with (`CorsDeciders`).
 */
export class CorsDecider implements CorsDecided {
  readonly policy: string;

  /**
   * `alternatives`: for several controller routes a request may reach, of which exactly one
   * runs (told apart by a version or a host), their own deciders.
   */
  constructor(
    readonly where: string,
    readonly sources: CorsSources,
    private readonly shared: CorsDeciders,
    readonly alternatives?: readonly CorsDecider[],
  ) {
    this.policy = sources
      .map((source) => source?.name ?? 'no CORS')
      .join(' & ');
  }

  /** The answer to `context`, logged and reported as the options say. */
  decide(context: CorsContext): CorsVerdict | Promise<CorsVerdict> {
    const { observers } = this.shared;
    const started =
      observers.timed && this.sources.some((s) => s?.kind === 'provider')
        ? performance.now()
        : undefined;
    const verdict = this.decideAll(context, true);
    return verdict instanceof Promise
      ? verdict.then((settled) =>
          observers.decided(this, context, settled, started),
        )
      : observers.decided(this, context, verdict, started);
  }

  /**
   * The decision of an actual request where it is ready now, observed by no one: only for one
   * static policy without an origin function, whose decision depends on the origin alone.
   */
  decideNow(origin: CorsInput['origin']): CorsDecision | undefined {
    const [source] = this.sources;
    return this.sources.length === 1 && source?.kind === 'static'
      ? this.shared.decisionsOf(source.policy)?.decide(origin)
      : undefined;
  }

  /** The answer to `context`, and its report-only policy's, observed by no one. */
  async explain(context: CorsContext): Promise<CorsExplained> {
    const [source] = this.sources;
    const reportOnly =
      this.sources.length === 1 && source?.kind === 'static'
        ? source.policy.reportOnly
        : undefined;
    const [verdict, trial] = await Promise.all([
      this.decideAll(context, false),
      reportOnly && this.decideWith(reportOnly, context, false),
    ]);
    return { verdict, reportOnly: trial };
  }

  private decideAll(
    context: CorsContext,
    observed: boolean,
  ): CorsVerdict | Promise<CorsVerdict> {
    const { sources } = this;
    if (sources.length === 1)
      return this.decideOne(sources[0], context, observed);
    if (sources.includes(undefined)) return withoutCors(context.request);
    const verdicts = sources.map((source) =>
      this.decideOne(source, context, observed),
    );
    const intersect = (settled: CorsVerdict[]): CorsVerdict =>
      settled.every(isDecision)
        ? intersectDecisions(settled)
        : withoutCors(context.request);
    return verdicts.some((verdict) => verdict instanceof Promise)
      ? Promise.all(verdicts.map((verdict) => Promise.resolve(verdict))).then(
          intersect,
        )
      : intersect(verdicts as CorsVerdict[]);
  }

  private decideOne(
    source: PolicySource | undefined,
    context: CorsContext,
    observed: boolean,
  ): CorsVerdict | Promise<CorsVerdict> {
    if (!source) return undefined;
    if (source.kind === 'static')
      return this.decideWith(source.policy, context, observed);
    const { request } = context;
    // Without an Origin, no answer of a provider could add a CORS header: it is not asked.
    if (request.headers.origin === undefined)
      return denial('no_origin', 'no Origin header', request);
    const resolved = this.shared.providers.ask(source, request);
    return resolved instanceof Promise
      ? resolved.then((policy) =>
          this.decideResolved(policy, context, observed),
        )
      : this.decideResolved(resolved, context, observed);
  }

  private decideResolved(
    resolved: ResolvedPolicy,
    context: CorsContext,
    observed: boolean,
  ): CorsVerdict | Promise<CorsVerdict> {
    if (resolved === undefined) return undefined;
    if ('failure' in resolved)
      return denial(resolved.code, resolved.failure, context.request);
    return this.decideWith(resolved, context, observed);
  }

  /** Decides with one compiled policy, and compares its report-only policy if it has one. */
  private decideWith(
    policy: CompiledCorsPolicy,
    context: CorsContext,
    observed: boolean,
  ): CorsDecision | Promise<CorsDecision> {
    const { request, ownMethod } = context;
    const kept = request.preflight
      ? undefined
      : this.shared.decisionsOf(policy);
    const decision = kept
      ? kept.decide(request.headers.origin)
      : decide(
          policy,
          inputOf(request, ownMethod),
          policy.originFunction
            ? this.shared.askFor(this.where, policy.name, request, observed)
            : noOriginFunction,
        );
    const { reportOnly } = policy;
    if (reportOnly && observed) {
      this.shared.observers.compareReportOnly(
        this.where,
        context,
        reportOnly,
        decision,
        this.decideWith(reportOnly, context, false),
      );
    }
    return decision;
  }
}

/**
 * Makes deciders, and holds what they share: the observers, the provider client, the
 * origin-function caller and the decisions each policy keeps.
 */
@Injectable()
export class CorsDeciders {
  /** The decisions of actual requests each policy without an origin function keeps. */
  private readonly kept = new WeakMap<CompiledCorsPolicy, CorsDecisionCache>();

  constructor(
    readonly observers: CorsObservers,
    readonly providers: CorsProviderClient,
  ) {}

  /** A decider for requests that go `where`, from `sources`. */
  of(where: string, sources: CorsSources): CorsDecider {
    return new CorsDecider(where, sources, this);
  }

  /**
   * One decider for requests that get only what all of `deciders` allow: the one they all
   * are, else one of all their policies, named after all of them. `alternatives`: the
   * deciders are those of controller routes of which exactly one runs.
   */
  together(
    deciders: readonly CorsDecider[],
    alternatives = false,
  ): CorsDecider {
    const [first] = deciders;
    if (deciders.every((decider) => decider === first)) return first!;
    const sources = [...new Set(deciders.flatMap(({ sources }) => sources))];
    const where = [...new Set(deciders.map((decider) => decider.where))];
    return new CorsDecider(
      where.join(' | '),
      sources,
      this,
      alternatives ? deciders : undefined,
    );
  }

  /** The decisions `policy` keeps; none for a policy with an origin function. */
  decisionsOf(policy: CompiledCorsPolicy): CorsDecisionCache | undefined {
    if (policy.originFunction) return undefined;
    let kept = this.kept.get(policy);
    if (!kept) this.kept.set(policy, (kept = new CorsDecisionCache(policy)));
    return kept;
  }

  /**
   * Calls the origin function of `policy` for `request` as providers are asked: within
   * `providerTimeout`, failing closed, and logging a failure at ERROR with the route and the
   * policy; the answer's reason never carries the error.
   */
  askFor(
    where: string,
    policy: string,
    request: CorsRequest,
    observed: boolean,
  ): AskOriginFunction {
    return (originFunction, origin) =>
      withinTimeout(
        new Promise((resolve) => resolve(originFunction(origin, request))),
        this.providers.timeout,
        'the origin function',
      ).then(originFunctionVerdict, (error: unknown) => {
        const verdict =
          error instanceof CorsTimeout
            ? ORIGIN_FUNCTION_TIMEOUT
            : ORIGIN_FUNCTION_FAILED;
        if (observed)
          this.observers.failed(
            policy,
            verdict.code,
            () =>
              `CORS origin function of policy ${JSON.stringify(policy)} failed on ${where}, so the request is denied: ${escapeForHeader(showError(error))}`,
          );
        return verdict;
      });
  }
}

/** The `ask` of a policy without an origin function, which never calls it. */
const noOriginFunction: AskOriginFunction = () => {
  throw new Error('this policy has no origin function');
};

const isDecision = (verdict: CorsVerdict): verdict is CorsDecision =>
  verdict !== undefined;

function inputOf(request: CorsRequest, ownMethod: boolean): CorsInput {
  const { headers } = request;
  return {
    origin: headers.origin,
    preflight: request.preflight,
    requestMethod: headers['access-control-request-method'],
    requestHeaders: headers['access-control-request-headers'],
    privateNetwork:
      headers['access-control-request-private-network'] === 'true',
    ownMethod,
  };
}

/** Routes the request may reach, some with CORS and some without: no CORS headers at all. */
function withoutCors(request: CorsRequest): CorsDecision {
  return denial(
    'route_without_cors',
    'a route the request may reach has no CORS',
    request,
  );
}

/** A denial without a policy to answer from: no CORS headers, a 403 for a preflight. */
function denial(
  code: CorsReasonCode,
  reason: string,
  request: CorsRequest,
): CorsDecision {
  return {
    allowed: false,
    code,
    reason,
    status: request.preflight ? 403 : undefined,
    headers: {},
    vary: 'Origin',
  };
}
