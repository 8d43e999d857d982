import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsEngine } from '../cors-engine.js';
import type { CorsExchange, CorsState } from '../cors-exchange.js';
import type { CorsHttpBinding, StatefulRequest } from './cors-http-binding.js';
import {
  type ExpressRouter,
  expressRouteLookup,
} from './express-route-index.js';
import { settle } from './settle.js';
import { trackResponse } from './track-response.js';

type Request = IncomingMessage & StatefulRequest & { originalUrl?: string };
type Next = (error?: unknown) => void;

interface ExpressApp {
  use(
    handler: (req: Request, res: ServerResponse, next: Next) => void,
  ): unknown;
  router: ExpressRouter;
}

/**
 * Express: a middleware mounted as soon as the adapter exists, so before the body parsers,
 * Nest middleware and routes; the route table is read from Express's own router layers.
 */
export class ExpressCorsBinding implements CorsHttpBinding {
  constructor(private readonly app: ExpressApp) {}

  install(engine: CorsEngine): void {
    this.app.use((req, res, next) => {
      settle(engine.evaluate(this.exchange(req)), next, (state) =>
        this.proceed(req, res, next, state),
      );
    });
  }

  private proceed(
    req: Request,
    res: ServerResponse,
    next: Next,
    state: CorsState | undefined,
  ): void {
    if (!state) return next();
    const { decision } = state;
    if (state.preflight && decision) {
      res.statusCode = decision.status!;
      for (const name in decision.headers)
        res.setHeader(name, decision.headers[name]);
      if (decision.vary) res.setHeader('Vary', decision.vary);
      if (decision.status !== 204) res.setHeader('Content-Length', '0');
      res.end();
      return;
    }
    trackResponse(req, res, state);
    next();
  }

  routeLookup(routeOf: Parameters<CorsHttpBinding['routeLookup']>[0]) {
    return expressRouteLookup(this.app.router, routeOf);
  }

  exchange(req: unknown): CorsExchange {
    const request = req as Request;
    return {
      method: request.method!,
      url: request.originalUrl ?? request.url!,
      headers: request.headers,
      raw: request,
    };
  }

  track(req: unknown, res: unknown, state: CorsState): void {
    trackResponse(req as Request, res as ServerResponse, state);
  }
}
