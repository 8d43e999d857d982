import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExpressLayer, ExpressRouter } from './express-route-index.js';

type Callback = (error?: unknown) => void;

/** The parts of an Express 5 app the module reads. */
interface ExpressApp {
  handle(req: IncomingMessage, res: ServerResponse, callback?: Callback): void;
  request: object;
  router: ExpressRouter;
}

/** A handler in a route layer, as Express calls it. */
export type ExpressHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next: Callback,
) => unknown;

/**
 * Express hands every request to `app.handle(req, res, callback)` before its router and any
 * middleware: `handle` runs instead, and calls `proceed()` to go on.
 */
export function interceptExpressRequests(
  app: unknown,
  handle: (
    req: IncomingMessage,
    res: ServerResponse,
    callback: Callback | undefined,
    proceed: () => void,
  ) => void,
): void {
  const express = app as ExpressApp;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the app below
  const original = express.handle;
  express.handle = (req, res, callback) =>
    handle(req, res, callback, () =>
      original.call(express, req, res, callback),
    );
}

/** Express gives a request its app's `app.request` prototype as it takes it; this does it now. */
export function giveExpressRequestPrototype(
  app: unknown,
  req: IncomingMessage,
): void {
  Object.setPrototypeOf(req, (app as ExpressApp).request);
}

/** Express's router holds its layers in `app.router.stack`, in the order it tries them. */
export function expressRouterOf(app: unknown): ExpressRouter {
  return (app as ExpressApp).router;
}

/** Express's route layers are those of `app.router.stack` with a `route`, in the order it tries them. */
export function expressRouteLayers(app: unknown): ExpressLayer[] {
  return expressRouterOf(app).stack.filter((layer) => layer.route);
}

/** Registering one route makes exactly one layer at the end of the stack: the one `register()` made. */
export function layerMadeBy<T>(
  router: ExpressRouter,
  register: () => T,
): { result: T; layer: ExpressLayer | undefined } {
  const { stack } = router;
  const before = stack.length;
  const result = register();
  const layer = stack.length === before + 1 ? stack[before] : undefined;
  return { result, layer: layer?.route ? layer : undefined };
}

/**
 * A route layer holds its handlers in `layer.route.stack[i].handle`, which Express calls with
 * `(req, res, next)`, or with the error first where it takes four. `replace` gets each handler
 * of three parameters or fewer (the same function once however often it is held) and returns
 * what Express is to call instead.
 */
export function replaceRouteHandlers(
  layer: ExpressLayer,
  replace: (handler: ExpressHandler) => ExpressHandler,
): void {
  const replaced = new Map<unknown, ExpressHandler>();
  for (const item of layer.route?.stack ?? []) {
    const handler = item.handle as unknown as ExpressHandler;
    if (handler.length > 3) continue;
    let replacement = replaced.get(handler);
    if (!replacement) {
      replacement = replace(handler);
      replaced.set(handler, replacement);
    }
    item.handle = replacement;
  }
}

/**
 * Middleware is a layer without a route whose `handle` is the function `app.use()` was given;
 * a router mounted with `app.use()` is such a function with a `stack` of its own. Counts the
 * middleware functions `matches` picks, in the app and the routers mounted in it.
 */
export function countExpressMiddleware(
  app: unknown,
  matches: (middleware: (...args: never[]) => unknown) => boolean,
): number {
  const seen = new Set<unknown>();
  const count = (router: Partial<ExpressRouter> | undefined): number => {
    if (!router || seen.has(router) || !Array.isArray(router.stack)) return 0;
    seen.add(router);
    let found = 0;
    for (const { handle, route } of router.stack as Array<
      ExpressLayer & { handle?: unknown }
    >) {
      if (route !== undefined || typeof handle !== 'function') continue;
      if (matches(handle as () => unknown)) found++;
      else found += count(handle as Partial<ExpressRouter>);
    }
    return found;
  };
  return count((app as Partial<ExpressApp>).router);
}
