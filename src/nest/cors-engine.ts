import { Injectable, Logger } from '@nestjs/common';
import {
  type CorsDecision,
  type CorsInput,
  decide,
} from '../core/cors-decision.js';
import type { CorsRequest } from '../core/cors-policy-options.js';
import { intersectDecisions } from '../core/intersect-decisions.js';
import { CorsPolicyProviders } from './cors-policy-providers.js';
import { CorsPolicyRegistry } from './cors-policy-registry.js';
import type { RouteCandidates } from './cors-route.js';
import type { PolicySource } from './policy-source.js';

/** What the module answers a request: a decision, or `undefined` to stay out of it. */
export type CorsVerdict = CorsDecision | undefined;

/** The policies a request gets: one per distinct candidate, `undefined` for no CORS. */
export type CorsSources = ReadonlyArray<PolicySource | undefined>;

/** Decides, for any adapter, what CORS headers a request gets from the policies it may reach. */
@Injectable()
export class CorsEngine {
  private readonly logger = new Logger('CorsModule');
  private defaults: CorsSources | undefined;

  constructor(
    private readonly registry: CorsPolicyRegistry,
    private readonly providers: CorsPolicyProviders,
  ) {}

  /** The policies of the routes a request may reach; the default where no controller owns one. */
  sourcesOf(candidates: RouteCandidates): CorsSources {
    if (candidates.length === 0) return this.defaultSources;
    const sources = candidates.map((candidate) =>
      candidate === null ? this.registry.defaultSource : candidate.source,
    );
    return sources.filter((source, i) => sources.indexOf(source) === i);
  }

  /** The default policy's sources, for responses no route produced. */
  get defaultSources(): CorsSources {
    const { defaultSource } = this.registry;
    if (!this.defaults || this.defaults[0] !== defaultSource)
      this.defaults = [defaultSource];
    return this.defaults;
  }

  /**
   * Decides for a request that may reach a handler of any of `sources`: nothing more than
   * all of them allow. `where` names the routes and `kind` the request, for the debug log.
   */
  decide(
    request: CorsRequest,
    sources: CorsSources,
    where: () => string,
    kind = request.preflight ? 'preflight' : 'request',
  ): CorsVerdict | Promise<CorsVerdict> {
    if (sources.length === 1)
      return this.decideOne(request, sources[0], where, kind);
    if (sources.includes(undefined)) {
      return this.denied(
        request,
        'a route the request may reach has no CORS',
        where,
        kind,
      );
    }
    const verdicts = sources.map((source) =>
      this.decideOne(request, source, where, kind),
    );
    const combine = (settled: CorsVerdict[]): CorsVerdict =>
      settled.every((verdict) => verdict !== undefined)
        ? intersectDecisions(settled as CorsDecision[])
        : denial('a route the request may reach has no CORS', request);
    return verdicts.some((verdict) => verdict instanceof Promise)
      ? Promise.all(verdicts).then(combine)
      : combine(verdicts as CorsVerdict[]);
  }

  private decideOne(
    request: CorsRequest,
    source: PolicySource | undefined,
    where: () => string,
    kind: string,
  ): CorsVerdict | Promise<CorsVerdict> {
    if (!source) return undefined;
    // Without an Origin, no answer of a provider could add a CORS header: it is not asked.
    if (request.headers.origin === undefined && source.kind === 'provider') {
      return denial('no Origin header', request);
    }
    const input: CorsInput = {
      origin: request.headers.origin,
      preflight: request.preflight,
      requestMethod: request.headers['access-control-request-method'],
      requestHeaders: request.headers['access-control-request-headers'],
      privateNetwork:
        request.headers['access-control-request-private-network'] === 'true',
    };
    const finish = (decision: CorsDecision): CorsDecision => {
      if (!decision.allowed && input.origin !== undefined)
        this.logDenial(request, source, where, decision, kind);
      return decision;
    };
    const policy =
      source.kind === 'static'
        ? source.policy
        : this.providers.resolve(source, request);
    const decideWith = (
      resolved: Awaited<typeof policy>,
    ): CorsVerdict | Promise<CorsVerdict> => {
      if (resolved === false) return undefined;
      if ('failure' in resolved)
        return finish(denial(resolved.failure, request));
      const decision = decide(resolved, input, () => request);
      return decision instanceof Promise
        ? decision.then(finish)
        : finish(decision);
    };
    return policy instanceof Promise
      ? policy.then(decideWith)
      : decideWith(policy);
  }

  private denied(
    request: CorsRequest,
    reason: string,
    where: () => string,
    kind: string,
  ): CorsDecision {
    const decision = denial(reason, request);
    if (request.origin !== undefined)
      this.logDenial(request, undefined, where, decision, kind);
    return decision;
  }

  private logDenial(
    request: CorsRequest,
    source: PolicySource | undefined,
    where: () => string,
    decision: CorsDecision,
    kind: string,
  ): void {
    if (!Logger.isLevelEnabled('debug')) return;
    this.logger.debug(
      `CORS ${kind} denied on ${where()}${source ? ` by policy ${JSON.stringify(source.name)}` : ''}: origin ${JSON.stringify(request.origin)}, ${decision.reason}`,
    );
  }
}

/** A denial without a policy to answer from: no CORS headers, a 403 for a preflight. */
function denial(reason: string, request: CorsRequest): CorsDecision {
  return {
    allowed: false,
    reason,
    status: request.preflight ? 403 : undefined,
    headers: {},
    vary: 'Origin',
  };
}
