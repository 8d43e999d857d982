import type { HttpServer } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import parseUrl from 'parseurl';
import { answerPreflight } from './apply-cors-headers.js';
import type { CorsEngine, CorsSources } from '../cors-engine.js';
import type { CorsRoute } from '../cors-route.js';
import { toCorsRequest } from '../cors-request.js';
import { hasHostFilter } from '../nest-internals.js';
import { CorsDispatch } from './cors-dispatch.js';
import type { CorsHttpBinding, RouteLookup } from './cors-http-binding.js';
import {
  hookEveryResponse,
  reserveState,
  type StatefulRequest,
} from './cors-request-state.js';
import {
  type ExpressHandle,
  type ExpressRouter,
  expressRouteLookup,
} from './express-route-index.js';
import { lookAlike, patchMethods, ROUTE_METHODS } from './patch-methods.js';
import { isRouteHandle, type RouteHandle } from '../route-handle.js';

type Request = IncomingMessage & StatefulRequest;
type Next = (error?: unknown) => void;
type Handler = (req: Request, res: ServerResponse, next: Next) => unknown;

interface ExpressApp {
  use(handler: Handler): unknown;
  handle(req: Request, res: ServerResponse, callback?: Next): void;
  router: ExpressRouter;
}

/** Marks the version filters Nest wraps handlers in: they pass requests of other versions on. */
const PASSES_ON = Symbol('nestjs-cors-policy:passes-on');

/**
 * Express: a middleware mounted as soon as the adapter exists, so before the body parsers,
 * Nest's security hook, Nest middleware and routes. Express's own router layers tell which
 * routes a request may reach; each handler Nest registers decides from its own policy when
 * Express dispatches to it. The decision is held on Express's request, which is Node's.
 */
export class ExpressCorsBinding implements CorsHttpBinding {
  private readonly app: ExpressApp;
  private readonly handles = new WeakMap<RouteHandle, ExpressHandle>();
  private lookup: RouteLookup = () => [];
  private readonly dispatch: CorsDispatch<Request, ServerResponse>;

  constructor(
    private readonly adapter: HttpServer,
    engine: CorsEngine,
  ) {
    this.app = adapter.getInstance() as ExpressApp;
    hookEveryResponse();
    reserveBeforeHandle(this.app);
    const dispatch = (this.dispatch = new CorsDispatch(engine, {
      holder: (req) => req,
      hostname: (req) => adapter.getRequestHostname?.(req) ?? '',
      answerPreflight,
    }));
    this.app.use((req, res, next) => {
      const request = toCorsRequest(
        req.method!,
        parseUrl(req)?.pathname ?? '/',
        req.headers,
        req,
      );
      const candidates = this.lookup(request.method, request.path);
      dispatch.begin(req, res, request, candidates, next);
    });
  }

  capture(
    routeOf: (handle: RouteHandle, path: unknown) => CorsRoute | undefined,
  ): void {
    const { dispatch } = this;
    patchMethods(this.adapter, ['applyVersionFilter'], (original, self, args) =>
      Object.assign(original.apply(self, args) as RouteHandle, {
        [PASSES_ON]: true,
      }),
    );
    patchMethods(this.adapter, ROUTE_METHODS, (original, self, args) => {
      const handle = args[args.length - 1];
      const route = isRouteHandle(handle) && routeOf(handle, args[0]);
      if (route) {
        args[args.length - 1] = this.tag(handle as Handler, route);
      }
      return original.apply(self, args);
    });
    patchMethods(
      this.adapter,
      ['setNotFoundHandler'],
      (original, self, args) => {
        args[0] = this.entering(
          args[0] as Handler,
          (holder) => dispatch.unownedSources(holder),
          () => '(no route)',
          false,
        );
        return original.apply(self, args);
      },
    );
  }

  seal(): RouteLookup {
    const { dispatch } = this;
    // Routes no controller owns decide from the unowned policy where Express dispatches to them.
    for (const layer of this.app.router.stack) {
      for (const item of layer.route?.stack ?? []) {
        if (this.handles.has(item.handle)) continue;
        item.handle = this.entering(
          item.handle as Handler,
          (holder) => dispatch.unownedSources(holder),
          () => '(raw route)',
          true,
        );
      }
    }
    this.lookup = expressRouteLookup(this.app.router, (handle) =>
      this.handles.get(handle),
    );
    return this.lookup;
  }

  /** The handler Express dispatches to instead of `handle`: decides from `route`'s policy first. */
  private tag(handle: Handler, route: CorsRoute): Handler {
    const { sources } = route;
    const passesOn =
      (handle as { [PASSES_ON]?: boolean })[PASSES_ON] === true ||
      hasHostFilter(route.controller);
    const tagged = lookAlike(
      this.entering(
        handle,
        () => sources,
        () => route.id,
        passesOn,
      ),
      handle,
    );
    this.handles.set(tagged, { route, passesOn });
    return tagged;
  }

  /**
   * Runs `handle` once the policies `sources()` gives have decided for the request. A handler
   * that `passesOn` may call `next()`: the earlier decision is then put back.
   */
  private entering(
    handle: Handler,
    sources: (holder: Request) => CorsSources,
    where: () => string,
    passesOn: boolean,
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
        sources(req),
        where,
        () => handle.call(this, req, res, pass),
        pass,
      );
    };
  }
}

/**
 * Express gives each request its app's own prototype (`Object.setPrototypeOf()`) before routing
 * it, and V8 then gives every property added to that request a hidden class of its own (about
 * 3 µs a request here). The module's property is added before, where all requests share one.
 */
function reserveBeforeHandle(app: ExpressApp): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the app below
  const { handle } = app;
  app.handle = function (this: ExpressApp, req, res, callback) {
    reserveState(req);
    handle.call(this, req, res, callback);
  };
}
