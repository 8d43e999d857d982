import { type HttpServer, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import parseUrl from 'parseurl';
import { showError } from '../../core/show-value.js';
import { answerPreflight } from './apply-cors-headers.js';
import type { CorsDecider } from '../cors-decider.js';
import type { CorsRouting } from '../cors-routing.js';
import type { CorsRoute, RouteLookup } from '../cors-route.js';
import { toCorsRequest } from '../cors-request.js';
import {
  expressRouteLayers,
  expressRouterOf,
  giveExpressRequestPrototype,
  interceptExpressRequests,
  layerMadeBy,
  replaceRouteHandlers,
} from '../internals/express-app.js';
import {
  type ExpressHandle,
  type ExpressLayer,
  expressRouteLookup,
} from '../internals/express-route-index.js';
import {
  interceptNotFoundHandler,
  interceptRouteRegistrations,
  interceptVersionFilters,
  isVersionFilter,
} from '../internals/nest-adapter.js';
import { hasHostFilter } from '../internals/nest-metadata.js';
import { CorsDispatch } from './cors-dispatch.js';
import {
  type CorsHttpBinding,
  type RouteOfHandle,
  routeOfCall,
} from './cors-http-binding.js';
import type { StatefulRequest } from './cors-request-state.js';
import type { RouteHandle } from '../route-handle.js';

type Request = IncomingMessage & StatefulRequest;
type Next = (error?: unknown) => void;
type Handler = (req: Request, res: ServerResponse, next: Next) => unknown;

/**
 * Express: the app's `handle()`, wrapped as soon as the adapter exists, decides before Express
 * takes the request, so before its router, the body parsers, Nest's security hook, Nest
 * middleware and routes; a preflight it answers never reaches Express. Express's own router
 * layers tell which routes a request may reach. At bootstrap, each handler in a route layer is
 * wrapped, so that it decides from its route's policy when Express dispatches to it (the
 * default policy for a route no controller owns). The decision is held on Express's request,
 * which is Node's.
 */
export class ExpressCorsBinding implements CorsHttpBinding {
  private readonly app: unknown;
  private readonly handles = new WeakMap<RouteHandle, ExpressHandle>();
  private lookup: RouteLookup = () => [];
  /** The arguments of the adapter's route method call that made each route layer. */
  private readonly registered = new WeakMap<ExpressLayer, unknown[]>();
  /** The arguments of the calls that did not make exactly one route layer. */
  private readonly unplaced: unknown[][] = [];
  private routeOf: RouteOfHandle = () => undefined;
  private readonly dispatch: CorsDispatch<Request, ServerResponse>;

  constructor(
    private readonly adapter: HttpServer,
    routing: CorsRouting,
  ) {
    const app = (this.app = adapter.getInstance() as unknown);
    const dispatch = (this.dispatch = new CorsDispatch(routing, {
      holder: (req) => req,
      hostname: (req) => {
        // Express reads it through its request prototype, which it gives the request next.
        giveExpressRequestPrototype(app, req);
        return adapter.getRequestHostname?.(req) ?? '';
      },
      answerPreflight,
    }));
    // Deciding before Express sets its prototype on the request matters for speed too: V8 gives
    // each property added to the request after that a hidden class of its own (about 3 µs).
    interceptExpressRequests(app, (req, res, callback, proceed) => {
      const path = pathOf(req);
      // Express's router runs no middleware for a target it cannot read: neither does the module.
      if (path === undefined) return proceed();
      const request = toCorsRequest(req.method!, path, req.headers, req);
      const next = (error?: unknown) =>
        error === undefined ? proceed() : failed(error, res, callback);
      try {
        dispatch.begin(
          req,
          res,
          request,
          this.lookup(request.method, request.path),
          next,
        );
      } catch (error) {
        failed(error, res, callback);
      }
    });
  }

  capture(routeOf: RouteOfHandle): void {
    const { dispatch, registered, unplaced } = this;
    this.routeOf = routeOf;
    const router = expressRouterOf(this.app);
    // A version filter runs its handler only for its version: the CSRF prediction is
    // confirmed there, for the version that runs.
    interceptVersionFilters(this.adapter, (handler) => {
      const handle = handler as Handler;
      return function (this: unknown, req: Request, res, next: Next) {
        return dispatch.confirm(
          req,
          () => handle.call(this, req, res, next),
          next,
        );
      } satisfies Handler;
    });
    // Express gives each route Nest registers a layer of its own: the layer, not the handler
    // it holds, which something else may wrap before `seal()`, leads back to the route.
    interceptRouteRegistrations(this.adapter, (original, self, args) => {
      const { result, layer } = layerMadeBy(router, () =>
        original.apply(self, args),
      );
      if (layer && registered.has(layer)) return result;
      if (layer) registered.set(layer, args);
      else unplaced.push(args);
      return result;
    });
    interceptNotFoundHandler(this.adapter, (handler) =>
      this.entering(
        handler as Handler,
        (holder) => dispatch.unowned(holder, false),
        false,
      ),
    );
  }

  seal(): RouteLookup {
    const { dispatch, registered, routeOf } = this;
    for (const args of this.unplaced) {
      const route = routeOfCall(routeOf, args);
      if (route) {
        throw new Error(
          `CorsModule found no Express route made for ${route.id} at ${String(args[0])}, so it cannot give it its policy: this version of Express or Nest registers routes in a way the module does not know. Check that nestjs-cors-policy supports your versions.`,
        );
      }
    }
    // Handlers are wrapped only now that Express has built all its route layers: wrappers made
    // in between, as each route was registered, made Express's scan of 1,000 routes measurably
    // slower. Routes no controller owns decide from the unowned policy. Error handlers (four
    // parameters), which Express calls only with an error, are left as they are: they answer
    // with the decision in force when the error was passed on.
    for (const layer of expressRouteLayers(this.app)) {
      const args = registered.get(layer);
      const route = args && routeOfCall(routeOf, args);
      const versioned = isVersionFilter(args?.at(-1));
      const passesOn = !route || versioned || hasHostFilter(route.controller);
      replaceRouteHandlers(layer, (handle) =>
        route
          ? this.tag(handle, route, passesOn, versioned)
          : this.entering(
              handle,
              (holder) => dispatch.unowned(holder, true),
              true,
            ),
      );
    }
    this.lookup = expressRouteLookup(expressRouterOf(this.app), (handle) =>
      this.handles.get(handle),
    );
    return this.lookup;
  }

  trustForCsrf(request: unknown): boolean {
    return this.dispatch.trustForCsrf(request as Request);
  }

  /**
   * The handler Express dispatches to instead of `handle`: decides from `route`'s policy first.
   * `passesOn`: whether Nest's handler may pass the request on (a version or host filter);
   * `versioned`: whether it is a version filter, which confirms the CSRF prediction itself.
   */
  private tag(
    handle: Handler,
    route: CorsRoute,
    passesOn: boolean,
    versioned: boolean,
  ): Handler {
    const { decider } = route;
    const tagged = this.entering(handle, () => decider, passesOn, !versioned);
    this.handles.set(tagged, { route, passesOn });
    return tagged;
  }

  /**
   * Runs `handle` once the decider `deciderOf()` gives has decided for the request. A handler
   * that `passesOn` may call `next()`: the earlier decision is then put back.
   */
  private entering(
    handle: Handler,
    deciderOf: (holder: Request) => CorsDecider,
    passesOn: boolean,
    confirmHere = true,
  ): Handler {
    const { dispatch } = this;
    return function (this: unknown, req, res, next) {
      let pass = next;
      if (passesOn) {
        const before = dispatch.current(req);
        pass = (error) => {
          dispatch.leave(req, before);
          next(error);
        };
      }
      return dispatch.enter(
        req,
        deciderOf(req),
        () => handle.call(this, req, res, pass),
        next,
        confirmHere,
      );
    };
  }
}

const logger = new Logger('CorsModule');

/** The request's path, as Express's router reads it; `undefined` where it reads none. */
function pathOf(req: Request): string | undefined {
  try {
    return parseUrl(req)?.pathname ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where deciding threw (a provider's failure does not: it fails closed), or Express's
 * `handle()` did: the error goes to the app this one is mounted in, if any, else the request
 * is answered 500, without CORS headers, unless its answer has begun.
 */
function failed(error: unknown, res: ServerResponse, callback?: Next): void {
  if (callback) return callback(error);
  logger.error(`CORS decision failed: ${showError(error)}`);
  if (res.headersSent) return;
  res.statusCode = 500;
  res.end();
}
