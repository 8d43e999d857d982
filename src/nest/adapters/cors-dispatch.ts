import { ForbiddenException } from '@nestjs/common';
import type { CorsDecision } from '../../core/cors-decision.js';
import type { CorsRequest } from '../../core/cors-policy-options.js';
import type { CorsEngine, CorsSources, CorsVerdict } from '../cors-engine.js';
import type { RouteCandidates } from '../cors-route.js';
import { settle } from './settle.js';
import {
  CORS_STATE,
  type CorsRequestState,
  recordState,
  type StatefulRequest,
} from './cors-request-state.js';

/** What the dispatch needs from an adapter, for its request and response objects. */
export interface CorsAdapterPort<Req, Res> {
  /** Node's request object under `request`, which holds the module's decision for it. */
  holder(request: Req): StatefulRequest;
  /** The request's host name, for routes with a host filter. */
  hostname(request: Req): string;
  /** Sends a preflight's answer, and ends the response. */
  answerPreflight(response: Res, decision: CorsDecision): void;
}

/**
 * The two moments the module decides for a request, whatever the adapter:
 * - `begin`, before routing: from the routes the adapter's routing says the request may
 *   reach, for preflights and for responses no handler produces (404s, body-parser errors,
 *   CSRF rejections, middleware that ends the response);
 * - `enter`, where the adapter dispatches to a handler Nest registered (before its guards),
 *   or to Nest's not-found handler: from that handler's own policy.
 */
export class CorsDispatch<Req, Res> {
  constructor(
    private readonly engine: CorsEngine,
    private readonly port: CorsAdapterPort<Req, Res>,
  ) {}

  /**
   * Decides before routing. Candidates whose host filter surely refuses the request's
   * `hostname()` are left out. A preflight with a decision is answered; anything else is
   * recorded, for the response to apply, and `next()` continues. `next(error)` if deciding
   * failed, or `next()` threw.
   */
  begin(
    req: Req,
    res: Res,
    request: CorsRequest,
    routes: RouteCandidates,
    next: (error?: unknown) => void,
  ): void {
    const candidates = routes.some((route) => route?.matchesHost)
      ? onHost(routes, this.port.hostname(req))
      : routes;
    const sources = this.engine.sourcesOf(candidates, request.path);
    const verdict = this.engine.decide(request, sources, {
      where: () => describeCandidates(candidates),
      ownMethod: request.preflight && candidates.length > 0,
    });
    const proceed = (settled: CorsVerdict) => {
      if (request.preflight && settled)
        return this.port.answerPreflight(res, settled);
      recordState(this.port.holder(req), {
        request,
        sources,
        verdict: settled,
      });
      next();
    };
    settle(verdict, next, proceed);
  }

  /**
   * Whether Nest's CSRF check may trust `req`, as predicted before routing: the policy of the
   * routes it may reach allows its origin with credentials, or, where they differ (versions,
   * hosts), the static policy of one of them does. Read synchronously, as Nest requires. The
   * prediction is recorded, and `enter` confirms it where the handler runs.
   */
  trustForCsrf(req: Req): boolean {
    const holder = this.port.holder(req);
    const state = holder[CORS_STATE];
    if (!state || state.request.preflight) return false;
    const trusted =
      trustsCredentials(state.verdict, state.request) ||
      (state.sources.length > 1 &&
        state.sources.some(
          (source) =>
            source?.kind === 'static' &&
            trustsCredentials(
              this.engine.decideNow(state.request, source),
              state.request,
            ),
        ));
    if (trusted) holder[CORS_STATE] = { ...state, trustedForCsrf: true };
    return trusted;
  }

  /**
   * Where a handler is about to run: its sources replace what was decided before routing,
   * then `run()` is called, once the provider answered if the policy needs one. Returns what
   * `run()` returns, or, when it had to wait, a promise that never rejects: a throw of `run()`
   * then goes to `fail`. Without an earlier `begin` (a request the module did not see),
   * `run()` is called as it is, and so it is for a preflight the module left to the app.
   *
   * The CSRF prediction is confirmed before `run()` (see `confirm`), unless `confirmHere` is
   * `false`: the handler is a version filter, which confirms where it runs its handler.
   */
  enter(
    req: Req,
    sources: CorsSources,
    where: () => string,
    run: () => unknown,
    fail: (error: unknown) => void,
    confirmHere = true,
  ): unknown {
    const holder = this.port.holder(req);
    const state = holder[CORS_STATE];
    if (!state || state.request.preflight) return run();
    const next = (): unknown =>
      confirmHere ? this.confirm(req, run, fail) : run();
    if (sameSources(state.sources, sources)) return next();
    const proceed = (verdict: CorsVerdict) => {
      const { request, trustedForCsrf } = state;
      recordState(holder, { request, sources, verdict, trustedForCsrf });
      return next();
    };
    const verdict = this.engine.decide(state.request, sources, { where });
    return verdict instanceof Promise
      ? verdict.then(proceed).catch(fail)
      : proceed(verdict);
  }

  /**
   * Where Nest's CSRF check trusted the request on the module's prediction and the decision
   * of the handler about to run does not trust it (a method override or a rewritten URL
   * reached another route, or another version), `fail` gets the 403 Nest's check would have
   * answered, and `run()` is not called.
   */
  confirm(
    req: Req,
    run: () => unknown,
    fail: (error: unknown) => void,
  ): unknown {
    const state = this.port.holder(req)[CORS_STATE];
    return state?.trustedForCsrf &&
      !trustsCredentials(state.verdict, state.request)
      ? fail(csrfRefusal(state.request))
      : run();
  }

  /** Puts back what was decided before `enter`, for a handler that passed the request on. */
  leave(req: Req, before: CorsRequestState | undefined): void {
    if (before) this.port.holder(req)[CORS_STATE] = before;
  }

  /** The decision current for `req`, if the module decided for it. */
  current(req: Req): CorsRequestState | undefined {
    return this.port.holder(req)[CORS_STATE];
  }

  /** The sources of a response no controller produced, for the request `begin` saw. */
  unownedSources(req: Req): CorsSources {
    const state = this.current(req);
    return this.engine.unownedSources(state ? state.request.path : '');
  }
}

/** Whether `verdict` lets the request's origin read responses with credentials. */
function trustsCredentials(
  verdict: CorsVerdict,
  request: CorsRequest,
): boolean {
  const headers = verdict?.allowed ? verdict.headers : undefined;
  return (
    headers?.['access-control-allow-credentials'] === 'true' &&
    headers['access-control-allow-origin'] === request.origin
  );
}

/** What Nest's CSRF check answers a cross-origin request it does not trust. */
function csrfRefusal(request: CorsRequest): ForbiddenException {
  return new ForbiddenException(
    request.headers['sec-fetch-site'] === undefined
      ? 'Cross-origin request detected, and/or browser is out of date: Sec-Fetch-Site is missing, and Origin does not match Host'
      : 'Cross-origin request detected from Sec-Fetch-Site header',
  );
}

/** The routes whose host filter, if any, may take `hostname`. */
function onHost(routes: RouteCandidates, hostname: string): RouteCandidates {
  return routes.filter((route) => route?.matchesHost?.(hostname) ?? true);
}

function sameSources(a: CorsSources, b: CorsSources): boolean {
  return (
    a === b ||
    (a.length === b.length && a.every((source, i) => source === b[i]))
  );
}

/** `A#get | B#get`, for the debug log. */
export function describeCandidates(candidates: RouteCandidates): string {
  if (candidates.length === 0) return '(no route)';
  return candidates.map((route) => route?.id ?? '(raw route)').join(' | ');
}
