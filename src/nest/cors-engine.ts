import { Injectable, Logger } from '@nestjs/common';
import {
  type CorsDecision,
  type CorsInput,
  decide,
} from '../core/cors-decision.js';
import type { CorsRequest } from '../core/cors-policy-options.js';
import {
  type CorsExchange,
  type CorsState,
  type CorsTarget,
  pathOf,
} from './cors-exchange.js';
import { CorsPolicyRegistry } from './cors-policy-registry.js';
import type { CorsRoute } from './cors-route.js';
import type { PolicySource, ResolvedPolicy } from './policy-source.js';

type SharedSource = Extract<PolicySource, { kind: 'shared' }>;

/** Finds the route a method and path reach, as the adapter's router would. */
export type RouteLookup = (
  method: string,
  path: string,
) => CorsRoute | undefined;

const noRoute: RouteLookup = () => undefined;

/** Decides, for any adapter, what CORS headers a request gets. */
@Injectable()
export class CorsEngine {
  private readonly logger = new Logger('CorsModule');
  private lookup: RouteLookup = noRoute;

  constructor(private readonly registry: CorsPolicyRegistry) {}

  setRouteLookup(lookup: RouteLookup): void {
    this.lookup = lookup;
  }

  /** The route and policy of a request, from the adapter's route table. */
  target(exchange: CorsExchange): CorsTarget {
    const { headers } = exchange;
    const requestMethod = headers['access-control-request-method'];
    const preflight =
      exchange.method === 'OPTIONS' &&
      headers.origin !== undefined &&
      requestMethod !== undefined;
    const path = pathOf(exchange.url);
    const method = preflight ? String(requestMethod) : exchange.method;
    const route = this.lookup(method, path);
    const source = route ? route.source : this.registry.defaultSource;
    return { route, source, preflight, method, path };
  }

  /**
   * Decides for a request before routing. `undefined`: the request's route has no policy and
   * the module stays out of it.
   */
  evaluate(
    exchange: CorsExchange,
  ): CorsState | undefined | Promise<CorsState | undefined> {
    const { route, source, preflight, method, path } = this.target(exchange);
    if (!source) return undefined;
    return this.evaluateFor(route, source, exchange, preflight, method, path);
  }

  /** Decides for a request whose route is known. */
  evaluateFor(
    route: CorsRoute | undefined,
    source: PolicySource,
    exchange: CorsExchange,
    preflight: boolean,
    method: string,
    path: string,
  ): CorsState | undefined | Promise<CorsState | undefined> {
    if (source.kind === 'shared') {
      return this.evaluateShared(
        route,
        source,
        exchange,
        preflight,
        method,
        path,
      );
    }
    const { headers } = exchange;
    let request: CorsRequest | undefined;
    const toRequest = () =>
      (request ??= {
        origin: typeof headers.origin === 'string' ? headers.origin : undefined,
        method,
        path,
        headers,
        preflight,
        raw: exchange.raw,
      });
    const input: CorsInput = {
      origin: headers.origin,
      preflight,
      requestMethod: headers['access-control-request-method'],
      requestHeaders: headers['access-control-request-headers'],
      privateNetwork:
        headers['access-control-request-private-network'] === 'true',
    };
    const finish = (policy: ResolvedPolicy) =>
      this.finish(route, source, policy, input, headers, toRequest);
    const policy = this.registry.resolve(source, toRequest);
    return policy instanceof Promise ? policy.then(finish) : finish(policy);
  }

  /**
   * Before routing, for routes that share a method and a path: a preflight is allowed only
   * if every route's policy allows it; an actual request gets no CORS headers until the
   * interceptor applies its handler's policy.
   */
  private evaluateShared(
    route: CorsRoute | undefined,
    source: SharedSource,
    exchange: CorsExchange,
    preflight: boolean,
    method: string,
    path: string,
  ): CorsState | Promise<CorsState> {
    const undecided = (reason: string): CorsState => ({
      source,
      preflight,
      decision: denial(reason, preflight),
    });
    const noCors = 'a route sharing this path has no CORS';
    if (!preflight) return undecided('the handler is not known before routing');
    if (source.sources.includes(undefined)) return undecided(noCors);
    const states = source.sources.map((each) =>
      this.evaluateFor(route, each!, exchange, preflight, method, path),
    );
    const combine = (settled: Array<CorsState | undefined>): CorsState => {
      if (settled.some((state) => !state?.decision)) return undecided(noCors);
      const chosen =
        settled.find((state) => !state!.decision!.allowed) ?? settled[0]!;
      return { ...chosen, source };
    };
    return states.some((state) => state instanceof Promise)
      ? Promise.all(states).then(combine)
      : combine(states as Array<CorsState | undefined>);
  }

  private finish(
    route: CorsRoute | undefined,
    source: Exclude<PolicySource, SharedSource>,
    policy: ResolvedPolicy,
    input: CorsInput,
    headers: CorsExchange['headers'],
    toRequest: () => CorsRequest,
  ): CorsState | undefined | Promise<CorsState | undefined> {
    if (policy === false) return undefined;
    const { preflight } = input;
    const state = (decision: CorsDecision): CorsState => {
      if (!decision.allowed && input.origin !== undefined) {
        this.logDenial(route, source, input, decision);
        if (!preflight) dropConditionals(headers);
      }
      return { source, preflight, decision };
    };
    if ('failure' in policy) return state(denial(policy.failure, preflight));
    const decision = decide(policy, input, toRequest);
    return decision instanceof Promise ? decision.then(state) : state(decision);
  }

  private logDenial(
    route: CorsRoute | undefined,
    source: PolicySource,
    input: CorsInput,
    decision: CorsDecision,
  ): void {
    if (!Logger.isLevelEnabled('debug')) return;
    this.logger.debug(
      `CORS ${input.preflight ? 'preflight' : 'request'} denied on ${route?.id ?? '(no route)'} by policy ${JSON.stringify(source.name)}: origin ${JSON.stringify(input.origin)}, ${decision.reason}`,
    );
  }
}

/** A denial without a policy to answer from: no CORS headers, a 403 for a preflight. */
function denial(reason: string, preflight: boolean): CorsDecision {
  return {
    allowed: false,
    reason,
    status: preflight ? 403 : undefined,
    headers: {},
    vary: 'Origin',
  };
}

/**
 * A denied origin must not revalidate a response it could read while it was allowed: a 304
 * carries no CORS headers, and the browser would keep the ones it stored. Without the
 * validators, the app answers in full, and without CORS headers.
 */
function dropConditionals(headers: CorsExchange['headers']): void {
  if (headers['if-none-match'] !== undefined) delete headers['if-none-match'];
  if (headers['if-modified-since'] !== undefined)
    delete headers['if-modified-since'];
}
