import { describe, expect, it, jest } from '@jest/globals';
import { ForbiddenException } from '@nestjs/common';
import type { CorsDecision } from '../../core/cors-decision.js';
import type { CorsRequest } from '../../core/cors-policy-options.js';
import type { CorsContext, CorsVerdict } from '../cors-context.js';
import type { CorsDecider } from '../cors-decider.js';
import type { CorsRoute, RouteCandidates } from '../cors-route.js';
import type { CorsRouting } from '../cors-routing.js';
import type { PolicySource } from '../policy-source.js';
import { type CorsAdapterPort, CorsDispatch } from './cors-dispatch.js';
import { CORS_STATE, type StatefulRequest } from './cors-request-state.js';

const APP = 'https://app.example.com';

/** The request objects of the fake adapter: Node's request under `node`, and a host name. */
interface Req {
  node: StatefulRequest;
  host: string;
}
/** Its responses: what the dispatch answered on them, if it did, and who waits for that. */
interface Res {
  answered?: CorsDecision;
  onAnswer?: () => void;
}

const allowed = (credentials: boolean): CorsDecision => ({
  allowed: true,
  code: 'allowed',
  status: 204,
  headers: {
    'access-control-allow-origin': APP,
    ...(credentials && { 'access-control-allow-credentials': 'true' }),
  },
  vary: 'Origin',
});
const DENIED: CorsDecision = {
  allowed: false,
  code: 'origin_not_allowed',
  reason: 'origin not allowed',
  status: 403,
  headers: {},
  vary: 'Origin',
};

const corsRequest = (preflight: boolean, headers = {}): CorsRequest => ({
  origin: APP,
  method: preflight ? 'PUT' : 'POST',
  path: '/orders',
  headers: { origin: APP, ...headers },
  preflight,
  raw: undefined,
});

/** A fake policy, which deciders compare by identity. */
const source = (name: string) => ({ kind: 'static', name }) as PolicySource;

/**
 * A fake decider: answers `verdict` (or what the function returns) to every request, records
 * the contexts it was asked, has `now` as its decision ready now, and `alternatives`.
 */
function decider(
  verdict: CorsVerdict | Promise<CorsVerdict> | (() => never),
  sources = [source('default')],
  {
    now,
    alternatives,
  }: { now?: CorsDecision; alternatives?: CorsDecider[] } = {},
) {
  const asked: CorsContext[] = [];
  const fake = {
    sources,
    asked,
    alternatives,
    decide: (context: CorsContext) => {
      asked.push(context);
      return typeof verdict === 'function' ? verdict() : verdict;
    },
    decideNow: () => now,
  };
  return fake as typeof fake & CorsDecider;
}

const route = (
  id: string,
  routeDecider: CorsDecider,
  matchesHost?: (hostname: string) => boolean,
) => ({ id, decider: routeDecider, matchesHost }) as CorsRoute;

/**
 * A dispatch on a fake adapter port and a fake routing, which gives every request `decides`
 * and records what it was asked.
 */
function dispatchWith(decides: CorsDecider) {
  const asked: Array<[RouteCandidates, string]> = [];
  const unowned: Array<[string, boolean]> = [];
  const routing = {
    deciderOf: (candidates: RouteCandidates, path: string) => {
      asked.push([candidates, path]);
      return decides;
    },
    unowned: (path: string, raw: boolean) => {
      unowned.push([path, raw]);
      return decides;
    },
  } as unknown as CorsRouting;
  const hostname = jest.fn((req: Req) => req.host);
  const port: CorsAdapterPort<Req, Res> = {
    holder: (req) => req.node,
    hostname,
    answerPreflight: (res, decision) => {
      res.answered = decision;
      res.onAnswer?.();
    },
  };
  const dispatch = new CorsDispatch(routing, port);
  /** Runs `begin` for a new request; resolves once it answered or called `next(...args)`. */
  const begin = (
    request: CorsRequest,
    routes: RouteCandidates = [],
    host = 'api.example.com',
  ) =>
    new Promise<{ req: Req; res: Res; nextWith?: unknown[] }>((resolve) => {
      const req: Req = { node: {}, host };
      const res: Res = { onAnswer: () => resolve({ req, res }) };
      dispatch.begin(req, res, request, routes, (...args: unknown[]) =>
        resolve({ req, res, nextWith: args }),
      );
    });
  return { dispatch, begin, asked, unowned, hostname };
}

describe('CorsDispatch.begin', () => {
  it('answers a preflight with its decision through the port, and does not call next()', async () => {
    const defaults = decider(allowed(false));
    const { begin } = dispatchWith(defaults);
    const { req, res, nextWith } = await begin(corsRequest(true));
    expect(res.answered).toEqual(allowed(false));
    expect(nextWith).toBeUndefined();
    expect(req.node[CORS_STATE]).toBeUndefined();
  });

  it("records an actual request's decision on the port's holder, then calls next()", async () => {
    const defaults = decider(allowed(true));
    const { begin } = dispatchWith(defaults);
    const request = corsRequest(false);
    const { req, res, nextWith } = await begin(request);
    expect(nextWith).toEqual([]);
    expect(res.answered).toBeUndefined();
    expect(req.node[CORS_STATE]).toEqual({
      request,
      decider: defaults,
      verdict: allowed(true),
    });
  });

  it('leaves a preflight with no CORS (no verdict) to the app: recorded, and next()', async () => {
    const { begin } = dispatchWith(decider(undefined));
    const { req, res, nextWith } = await begin(corsRequest(true));
    expect([res.answered, nextWith]).toEqual([undefined, []]);
    expect(req.node[CORS_STATE]).toMatchObject({ verdict: undefined });
  });

  it('asks for the method of the routes only for a preflight that reaches one', async () => {
    const defaults = decider(allowed(false));
    const { begin } = dispatchWith(defaults);
    const orders = route('Orders#update', defaults);
    await begin(corsRequest(true), [orders]);
    await begin(corsRequest(true), []);
    await begin(corsRequest(false), [orders]);
    expect(defaults.asked.map(({ ownMethod }) => ownMethod)).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('leaves out the routes whose host filter refuses the host name, which it asks the port for only then', async () => {
    const defaults = decider(allowed(false));
    const { begin, asked, hostname } = dispatchWith(defaults);
    const onA = route('A#put', defaults, (host) => host === 'a.example.com');
    const anywhere = route('B#put', defaults);
    await begin(corsRequest(true), [anywhere]);
    expect(hostname).not.toHaveBeenCalled();
    await begin(corsRequest(true), [onA, anywhere], 'b.example.com');
    await begin(corsRequest(true), [onA, anywhere], 'a.example.com');
    expect(asked.map(([candidates]) => candidates)).toEqual([
      [anywhere],
      [anywhere],
      [onA, anywhere],
    ]);
    expect(hostname).toHaveBeenCalledTimes(2);
  });

  it("drops a denied actual request's validators, so that the app answers it in full", async () => {
    const { begin } = dispatchWith(decider(DENIED));
    const request = corsRequest(false, {
      'if-none-match': '"v1"',
      'if-range': '"v1"',
      range: 'bytes=0-1',
      accept: 'text/html',
    });
    await begin(request);
    expect(request.headers).toEqual({ origin: APP, accept: 'text/html' });
  });

  it("waits for a provider's answer, and passes a failure to next(error)", async () => {
    const later = decider(Promise.resolve(allowed(false)));
    const ok = await dispatchWith(later).begin(corsRequest(true));
    expect(ok.res.answered).toEqual(allowed(false));
    const error = new Error('provider down');
    const failing = decider(Promise.reject(error));
    const failed = await dispatchWith(failing).begin(corsRequest(false));
    expect(failed.nextWith).toEqual([error]);
    expect(failed.req.node[CORS_STATE]).toBeUndefined();
  });
});

describe('CorsDispatch.trustForCsrf', () => {
  it('trusts a request whose decision allows its origin with credentials, and records that it did', async () => {
    const { dispatch, begin } = dispatchWith(decider(allowed(true)));
    const { req } = await begin(corsRequest(false));
    expect(dispatch.trustForCsrf(req)).toBe(true);
    expect(req.node[CORS_STATE]).toMatchObject({ trustedForCsrf: true });
  });

  it('does not trust one allowed without credentials, a denied one, a preflight, nor one it did not see', async () => {
    const without = dispatchWith(decider(allowed(false)));
    const denied = dispatchWith(decider(DENIED));
    const preflight = dispatchWith(decider(undefined));
    expect([
      without.dispatch.trustForCsrf(
        (await without.begin(corsRequest(false))).req,
      ),
      denied.dispatch.trustForCsrf(
        (await denied.begin(corsRequest(false))).req,
      ),
      preflight.dispatch.trustForCsrf(
        (await preflight.begin(corsRequest(true))).req,
      ),
      denied.dispatch.trustForCsrf({ node: {}, host: '' }),
    ]).toEqual([false, false, false, false]);
  });

  it('where the request reaches one of several controller routes, trusts it if one of their static policies does now', async () => {
    const sources = [source('v1'), source('v2')];
    const routes = (...now: CorsDecision[]) =>
      now.map((decision) => decider(DENIED, undefined, { now: decision }));
    const some = dispatchWith(
      decider(DENIED, sources, {
        alternatives: routes(DENIED, allowed(true)),
      }),
    );
    const none = dispatchWith(
      decider(DENIED, sources, { alternatives: routes(allowed(false)) }),
    );
    // Policies that all apply together (a path read two ways), not alternatives.
    const alone = dispatchWith(
      decider(DENIED, sources, { now: allowed(true) }),
    );
    expect([
      some.dispatch.trustForCsrf((await some.begin(corsRequest(false))).req),
      none.dispatch.trustForCsrf((await none.begin(corsRequest(false))).req),
      alone.dispatch.trustForCsrf((await alone.begin(corsRequest(false))).req),
    ]).toEqual([true, false, false]);
  });
});

describe('CorsDispatch.enter', () => {
  const fail = () => jest.fn<(error: unknown) => void>();

  it('runs the handler as it is for a request the module did not see, and for a preflight it left to the app', async () => {
    const handlers = decider(DENIED);
    const { dispatch, begin } = dispatchWith(decider(undefined));
    const unseen = { node: {}, host: '' };
    expect(dispatch.enter(unseen, handlers, () => 'ran', fail())).toBe('ran');
    const { req } = await begin(corsRequest(true));
    expect(dispatch.enter(req, handlers, () => 'ran', fail())).toBe('ran');
    expect(handlers.asked).toEqual([]);
  });

  it('keeps the decision made before routing for a handler of the same policies', async () => {
    const defaults = decider(allowed(false));
    const { dispatch, begin } = dispatchWith(defaults);
    const { req } = await begin(corsRequest(false));
    const before = req.node[CORS_STATE];
    const same = decider(DENIED, defaults.sources);
    expect(dispatch.enter(req, defaults, () => 'ran', fail())).toBe('ran');
    expect(dispatch.enter(req, same, () => 'ran', fail())).toBe('ran');
    expect(same.asked).toEqual([]);
    expect(req.node[CORS_STATE]).toBe(before);
  });

  it("replaces the decision with the handler's own, then runs it", async () => {
    const { dispatch, begin } = dispatchWith(decider(allowed(false)));
    const request = corsRequest(false);
    const { req } = await begin(request);
    const handlers = decider(DENIED, [source('Orders#create')]);
    expect(dispatch.enter(req, handlers, () => 'ran', fail())).toBe('ran');
    expect(handlers.asked).toEqual([{ request, ownMethod: false }]);
    expect(req.node[CORS_STATE]).toEqual({
      request,
      decider: handlers,
      verdict: DENIED,
      trustedForCsrf: undefined,
    });
  });

  it("waits for a provider's answer before it runs the handler, and gives a throw of the handler to fail", async () => {
    const { dispatch, begin } = dispatchWith(decider(allowed(false)));
    const { req } = await begin(corsRequest(false));
    const handlers = decider(Promise.resolve(DENIED), [source('Tenant')]);
    const run = jest.fn(() => 'ran');
    const waiting = dispatch.enter(req, handlers, run, fail());
    expect(run).not.toHaveBeenCalled();
    await expect(waiting).resolves.toBe('ran');
    const error = new Error('handler failed');
    const failed = fail();
    await expect(
      dispatch.enter(
        req,
        decider(Promise.resolve(DENIED), [source('Other')]),
        () => {
          throw error;
        },
        failed,
      ),
    ).resolves.toBeUndefined();
    expect(failed).toHaveBeenCalledWith(error);
  });

  it("refuses with Nest's 403 a request the CSRF check trusted on a decision the handler's does not confirm", async () => {
    const { dispatch, begin } = dispatchWith(decider(allowed(true)));
    const { req } = await begin(
      corsRequest(false, { 'sec-fetch-site': 'cross-site' }),
    );
    expect(dispatch.trustForCsrf(req)).toBe(true);
    const run = jest.fn(() => 'ran');
    const refused = fail();
    const other = decider(allowed(false), [source('Admin#create')]);
    dispatch.enter(req, other, run, refused);
    expect(run).not.toHaveBeenCalled();
    expect(refused).toHaveBeenCalledWith(
      new ForbiddenException(
        'Cross-origin request detected from Sec-Fetch-Site header',
      ),
    );
  });

  it('leaves the CSRF confirmation to a version filter when asked, which calls confirm() itself', async () => {
    const { dispatch, begin } = dispatchWith(decider(allowed(true)));
    const { req } = await begin(corsRequest(false));
    dispatch.trustForCsrf(req);
    const other = decider(allowed(false), [source('ItemsV2#create')]);
    const run = jest.fn(() => 'ran');
    const refused = fail();
    expect(dispatch.enter(req, other, run, refused, false)).toBe('ran');
    expect(refused).not.toHaveBeenCalled();
    dispatch.confirm(req, run, refused);
    expect(run).toHaveBeenCalledTimes(1);
    expect(refused).toHaveBeenCalledWith(
      new ForbiddenException(
        'Cross-origin request detected, and/or browser is out of date: Sec-Fetch-Site is missing, and Origin does not match Host',
      ),
    );
  });
});

describe('CorsDispatch.leave and unowned', () => {
  it('puts back the decision from before a handler that passed the request on', async () => {
    const { dispatch, begin } = dispatchWith(decider(allowed(false)));
    const { req } = await begin(corsRequest(false));
    const before = dispatch.current(req);
    dispatch.enter(
      req,
      decider(DENIED, [source('V1')]),
      () => 'ran',
      jest.fn(),
    );
    expect(dispatch.current(req)).not.toBe(before);
    dispatch.leave(req, before);
    expect(dispatch.current(req)).toBe(before);
  });

  it('asks the routing for the decider of a response no controller produced, by the path begin() saw', async () => {
    const { dispatch, begin, unowned } = dispatchWith(decider(allowed(false)));
    const { req } = await begin(corsRequest(false));
    dispatch.unowned(req, true);
    dispatch.unowned({ node: {}, host: '' }, false);
    expect(unowned).toEqual([
      ['/orders', true],
      ['', false],
    ]);
  });
});
