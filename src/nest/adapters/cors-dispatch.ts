import { ForbiddenException } from '@nestjs/common';
import type { CorsDecision } from '../../core/cors-decision.js';
import type { CorsRequest } from '../../core/cors-policy-options.js';
import type { CorsVerdict } from '../cors-context.js';
import type { CorsDecider } from '../cors-decider.js';
import type { RouteCandidates } from '../cors-route.js';
import type { CorsRouting } from '../cors-routing.js';
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
    private readonly routing: CorsRouting,
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
    const decider = this.routing.deciderOf(candidates, request.path);
    const verdict = decider.decide({
      request,
      ownMethod: request.preflight && candidates.length > 0,
    });
    const proceed = (settled: CorsVerdict) => {
      if (request.preflight && settled)
        return this.port.answerPreflight(res, settled);
      recordState(this.port.holder(req), {
        request,
        decider,
        verdict: settled,
      });
      next();
    };
    settle(verdict, next, proceed);
  }

  /**
   * Whether Nest's CSRF check may trust `req`, as predicted before routing: the policy of the
   * routes it may reach allows its origin with credentials, or, where it may reach one of
   * several controller routes (told apart by a version or a host, each of which confirms), the
   * static policy of one of them does. Read synchronously, as Nest requires. The
   * prediction is recorded, and `enter` confirms it where the handler runs.
   */
  trustForCsrf(req: Req): boolean {
    const holder = this.port.holder(req);
    const state = holder[CORS_STATE];
    if (!state || state.request.preflight) return false;
    const { request, decider, verdict } = state;
    const trusted =
      trustsCredentials(verdict, request) ||
      (decider.alternatives?.some((alternative) =>
        trustsCredentials(
          alternative.decideNow(request.headers.origin),
          request,
        ),
      ) ??
        false);
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
    decider: CorsDecider,
    run: () => unknown,
    fail: (error: unknown) => void,
    confirmHere = true,
  ): unknown {
    const holder = this.port.holder(req);
    const state = holder[CORS_STATE];
    if (!state || state.request.preflight) return run();
    const next = (): unknown =>
      confirmHere ? this.confirm(req, run, fail) : run();
    if (sameSources(state.decider, decider)) return next();
    const proceed = (verdict: CorsVerdict) => {
      const { request, trustedForCsrf } = state;
      recordState(holder, { request, decider, verdict, trustedForCsrf });
      return next();
    };
    const verdict = decider.decide({
      request: state.request,
      ownMethod: false,
    });
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

  /**
   * The decider of a response no controller produced, for the request `begin` saw: `raw` for
   * a route no controller owns, else for no route.
   */
  unowned(req: Req, raw: boolean): CorsDecider {
    const state = this.current(req);
    return this.routing.unowned(state ? state.request.path : '', raw);
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

/** Whether two deciders decide from the same policies, so give the same answers. */
function sameSources(a: CorsDecider, b: CorsDecider): boolean {
  return (
    a === b ||
    (a.sources.length === b.sources.length &&
      a.sources.every((source, i) => source === b.sources[i]))
  );
}
