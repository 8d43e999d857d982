import { Inject, Injectable, Logger } from '@nestjs/common';
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
import type { PathPattern } from '../core/path-pattern.js';
import type { CorsReasonCode } from '../core/cors-reason.js';
import { intersectDecisions } from '../core/intersect-decisions.js';
import { showError } from '../core/show-value.js';
import type { CorsDecisionEvent } from './cors-decision-event.js';
import { CorsDenialLog } from './cors-denial-log.js';
import { CORS_MODULE_OPTIONS } from './cors-module.definition.js';
import type { CorsModuleOptions } from './cors-module-options.interface.js';
import { CorsPolicyProviders } from './cors-policy-providers.js';
import { CorsPolicyRegistry } from './cors-policy-registry.js';
import type { RouteCandidates } from './cors-route.js';
import { escapeForHeader, shownOrigin } from './escape-for-header.js';
import type { PolicySource, ResolvedPolicy } from './policy-source.js';
import { CorsTimeout, withinTimeout } from './within-timeout.js';

/** What the module answers a request: a decision, or `undefined` to stay out of it. */
export type CorsVerdict = CorsDecision | undefined;

/** The policies a request gets: one per distinct candidate, `undefined` for no CORS. */
export type CorsSources = ReadonlyArray<PolicySource | undefined>;

/** How a decision is made and reported. */
export interface CorsDecideOptions {
  /** Names the routes, for the log and decision events. */
  where: () => string;
  /** A preflight for the method of the routes it reaches, which policies without `methods` allow. */
  ownMethod?: boolean;
  /** `false` for `explain()`: no log line, no event, no report-only comparison. */
  observed?: boolean;
  /** What the log calls the request: `preflight` or `request` by default. */
  kind?: string;
}

/** Decides, for any adapter, what CORS headers a request gets from the policies it may reach. */
@Injectable()
export class CorsEngine {
  private readonly logger = new Logger('CorsModule');
  private readonly denials = new CorsDenialLog((line) =>
    this.logger.debug(line),
  );
  private defaults: CorsSources | undefined;
  private readonly listener: CorsModuleOptions['onDecision'];
  private debugHeader: boolean;

  constructor(
    private readonly registry: CorsPolicyRegistry,
    private readonly providers: CorsPolicyProviders,
    @Inject(CORS_MODULE_OPTIONS) options: CorsModuleOptions,
  ) {
    this.listener = options.onDecision;
    this.debugHeader = options.debug === true;
  }

  /** Turns the `CORS-Denied` debug header on or off. */
  setDebug(enabled: boolean): void {
    this.debugHeader = enabled;
  }

  /**
   * The policies of the routes a request for `path` may reach; for a route no controller owns,
   * and where no route matches, the first `paths` rule that covers `path`, else the default.
   */
  sourcesOf(candidates: RouteCandidates, path: string): CorsSources {
    if (candidates.length === 0) return this.unownedSources(path);
    if (candidates.length === 1 && candidates[0]) return candidates[0].sources;
    const sources = candidates.flatMap((candidate) =>
      candidate === null ? this.unownedSources(path) : [candidate.source],
    );
    return sources.filter((source, i) => sources.indexOf(source) === i);
  }

  /** The policy of responses no controller produced for `path`: its `paths` rule, else the default. */
  unownedSources(path: string): CorsSources {
    const exact = this.ruleSources((pattern) => pattern.matches(path));
    if (this.registry.paths.length === 0) return exact;
    // A router may serve `/ADMIN` or `/%61dmin` as `/admin`: where the path as routers may read
    // it falls under another rule, the request gets only what both allow.
    const lenient = loosePath(path);
    const loose = this.ruleSources((pattern) =>
      pattern.matchesLoosely(lenient),
    );
    return loose === exact ? exact : [...new Set([...exact, ...loose])];
  }

  private ruleSources(matches: (pattern: PathPattern) => boolean): CorsSources {
    for (const rule of this.registry.paths) {
      if (matches(rule.pattern)) return rule.sources;
    }
    const { defaultSource } = this.registry;
    if (!this.defaults || this.defaults[0] !== defaultSource)
      this.defaults = [defaultSource];
    return this.defaults;
  }

  /**
   * Decides for a request that may reach a handler of any of `sources`: nothing more than
   * all of them allow.
   */
  decide(
    request: CorsRequest,
    sources: CorsSources,
    options: CorsDecideOptions,
  ): CorsVerdict | Promise<CorsVerdict> {
    const { where, ownMethod = false, observed = true } = options;
    const started =
      observed &&
      this.listener &&
      sources.some((source) => source?.kind === 'provider')
        ? performance.now()
        : undefined;
    const verdict = this.combine(request, sources, where, ownMethod, observed);
    return verdict instanceof Promise
      ? verdict.then((settled) =>
          this.finish(settled, request, sources, options, started),
        )
      : this.finish(verdict, request, sources, options, started);
  }

  /**
   * The decision of a static policy for `request` where it is ready now, unobserved;
   * `undefined` where an origin function must be waited for.
   */
  decideNow(request: CorsRequest, source: PolicySource): CorsVerdict {
    const verdict = this.decideOne(request, source, () => '', false, false);
    return verdict instanceof Promise ? undefined : verdict;
  }

  /** Logs and reports a decision, and adds the debug header's value to a denial. */
  private finish(
    verdict: CorsVerdict,
    request: CorsRequest,
    sources: CorsSources,
    { where, observed = true, kind }: CorsDecideOptions,
    started: number | undefined,
  ): CorsVerdict {
    if (!verdict) return verdict;
    if (!verdict.allowed && observed && request.headers.origin !== undefined)
      this.logDenial(
        kind ?? (request.preflight ? 'preflight' : 'request'),
        request,
        sources,
        where,
        verdict,
      );
    if (this.listener && observed)
      this.emit({
        ...this.describe('decision', request, sources, where, verdict),
        ...(started !== undefined && {
          durationMs: performance.now() - started,
        }),
      });
    return this.debugHeader && !verdict.allowed
      ? { ...verdict, debug: debugValue(verdict, sources) }
      : verdict;
  }

  private combine(
    request: CorsRequest,
    sources: CorsSources,
    where: () => string,
    ownMethod: boolean,
    observed: boolean,
  ): CorsVerdict | Promise<CorsVerdict> {
    if (sources.length === 1)
      return this.decideOne(request, sources[0], where, ownMethod, observed);
    if (sources.includes(undefined)) return withoutCors(request);
    const verdicts: Array<CorsVerdict | Promise<CorsVerdict>> = sources.map(
      (source) => this.decideOne(request, source, where, ownMethod, observed),
    );
    const intersect = (settled: CorsVerdict[]): CorsVerdict =>
      settled.every(isDecision)
        ? intersectDecisions(settled)
        : withoutCors(request);
    return verdicts.some((verdict) => verdict instanceof Promise)
      ? Promise.all(verdicts.map((verdict) => Promise.resolve(verdict))).then(
          intersect,
        )
      : intersect(verdicts as CorsVerdict[]);
  }

  private decideOne(
    request: CorsRequest,
    source: PolicySource | undefined,
    where: () => string,
    ownMethod: boolean,
    observed: boolean,
  ): CorsVerdict | Promise<CorsVerdict> {
    if (!source) return undefined;
    // Without an Origin, no answer of a provider could add a CORS header: it is not asked.
    if (request.headers.origin === undefined && source.kind === 'provider') {
      return denial('no_origin', 'no Origin header', request);
    }
    if (source.kind === 'static')
      return this.decideWith(
        source.policy,
        request,
        where,
        ownMethod,
        observed,
      );
    const policy = this.providers.resolve(source, request);
    return policy instanceof Promise
      ? policy.then((resolved) =>
          this.decideWith(resolved, request, where, ownMethod, observed),
        )
      : this.decideWith(policy, request, where, ownMethod, observed);
  }

  private decideWith(
    resolved: ResolvedPolicy,
    request: CorsRequest,
    where: () => string,
    ownMethod: boolean,
    observed: boolean,
  ): CorsVerdict | Promise<CorsVerdict> {
    if (resolved === false) return undefined;
    if ('failure' in resolved)
      return denial(resolved.code, resolved.failure, request);
    const input = inputOf(request, ownMethod);
    const decision = decide(
      resolved,
      input,
      this.ask(request, where, resolved.name),
    );
    if (resolved.reportOnly && observed) {
      this.compareReportOnly(
        resolved.reportOnly,
        decision,
        input,
        request,
        where,
      );
    }
    return decision;
  }

  /**
   * Evaluates a policy's report-only candidate beside the enforced decision, and reports the
   * requests where the two disagree. It never changes the response, and is not waited for.
   */
  private compareReportOnly(
    candidate: CompiledCorsPolicy,
    enforced: CorsDecision | Promise<CorsDecision>,
    input: CorsInput,
    request: CorsRequest,
    where: () => string,
  ): void {
    Promise.all([
      enforced,
      decide(candidate, input, this.ask(request, where, candidate.name)),
    ]).then(
      ([actual, wouldBe]) => {
        if (actual.allowed === wouldBe.allowed) return;
        this.logger.log(
          `CORS report-only: policy ${JSON.stringify(candidate.name)} would ${wouldBe.allowed ? 'allow' : 'deny'} the ${request.preflight ? 'preflight' : 'request'} on ${where()} from ${shownOrigin(request)} (${wouldBe.code}${wouldBe.reason ? `: ${wouldBe.reason}` : ''}), which is ${actual.allowed ? 'allowed' : 'denied'}`,
        );
        if (this.listener) {
          this.emit({
            ...this.describe(
              'report-only',
              request,
              [undefined],
              where,
              wouldBe,
            ),
            policy: candidate.name,
            enforced: { allowed: actual.allowed, code: actual.code },
          });
        }
      },
      (error: unknown) =>
        this.logger.error(
          `CORS report-only policy ${JSON.stringify(candidate.name)} failed: ${showError(error)}`,
        ),
    );
  }

  /**
   * What the report-only candidate of a single static policy would answer, for `explain()`;
   * `undefined` where there is none.
   */
  async candidateDecision(
    request: CorsRequest,
    sources: CorsSources,
    ownMethod: boolean,
  ): Promise<CorsDecision | undefined> {
    const [source] = sources;
    if (sources.length !== 1 || source?.kind !== 'static') return undefined;
    const candidate = source.policy.reportOnly;
    return (
      candidate &&
      decide(
        candidate,
        inputOf(request, ownMethod),
        this.ask(request, () => '(explain)', candidate.name),
      )
    );
  }

  /**
   * Calls the origin function of `policy` for `request` as providers are asked: within
   * `providerTimeout`, failing closed, and logging a failure at ERROR with the route and the
   * policy; the answer's reason never carries the error.
   */
  private ask(
    request: CorsRequest,
    where: () => string,
    policy: string,
  ): AskOriginFunction {
    return (originFunction, origin) =>
      withinTimeout(
        new Promise((resolve) => resolve(originFunction(origin, request))),
        this.providers.timeout,
        'the origin function',
      ).then(originFunctionVerdict, (error: unknown) => {
        this.logger.error(
          `CORS origin function of policy ${JSON.stringify(policy)} failed on ${where()}, so the request is denied: ${showError(error)}`,
        );
        return error instanceof CorsTimeout
          ? ORIGIN_FUNCTION_TIMEOUT
          : ORIGIN_FUNCTION_FAILED;
      });
  }

  private describe(
    kind: CorsDecisionEvent['kind'],
    request: CorsRequest,
    sources: CorsSources,
    where: () => string,
    decision: CorsDecision,
  ): CorsDecisionEvent {
    return {
      kind,
      route: where(),
      policy: policyNames(sources),
      origin:
        request.origin === undefined ? null : escapeForHeader(request.origin),
      preflight: request.preflight,
      allowed: decision.allowed,
      code: decision.code,
      reason: decision.reason ?? 'allowed',
    };
  }

  private emit(event: CorsDecisionEvent): void {
    try {
      this.listener!(event);
    } catch (error) {
      this.logger.error(`CORS onDecision listener threw: ${showError(error)}`);
    }
  }

  private logDenial(
    kind: string,
    request: CorsRequest,
    sources: CorsSources,
    where: () => string,
    decision: CorsDecision,
  ): void {
    const policy = policyNames(sources);
    this.denials.record(
      policy,
      decision.code,
      () =>
        `CORS ${kind} denied on ${where()} by policy ${JSON.stringify(policy)}: ${shownOrigin(request)}, ${escapeForHeader(decision.reason ?? '')} (${decision.code})`,
    );
  }
}

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

/** A path as a lenient router may read it: decoded, lower case, without repeated slashes. */
function loosePath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape stays as it is, as routers answer it with 400.
  }
  return decoded.toLowerCase().replace(/\/{2,}/g, '/');
}

const isDecision = (verdict: CorsVerdict): verdict is CorsDecision =>
  verdict !== undefined;

function policyNames(sources: CorsSources): string {
  return sources.map((source) => source?.name ?? 'no CORS').join(' & ');
}

/** `CORS-Denied`: the code and the reason, escaped so that no request input is reflected raw. */
function debugValue(decision: CorsDecision, sources: CorsSources): string {
  return escapeForHeader(
    `${decision.code}: ${decision.reason} (policy ${policyNames(sources)})`,
  );
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
