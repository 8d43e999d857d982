import type { HttpServer } from '@nestjs/common';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { CorsEngine, RouteLookup } from '../cors-engine.js';
import type { CorsExchange, CorsState } from '../cors-exchange.js';
import { type CorsRoute, shareRoutes } from '../cors-route.js';
import type { CorsHttpBinding, StatefulRequest } from './cors-http-binding.js';
import { type RecordedRoute, recordRoutes } from './record-routes.js';
import { settle } from './settle.js';
import { trackResponse } from './track-response.js';

interface FastifyRequest extends StatefulRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

interface FastifyReply {
  raw: ServerResponse;
  code(status: number): FastifyReply;
  headers(values: Record<string, string>): FastifyReply;
  send(): FastifyReply;
}

type Done = (error?: Error) => void;

/** What this binding reads of Fastify's configuration. */
interface FastifyConfig {
  /** Fastify's router options, as it passes them to find-my-way. */
  routerOptions: Record<string, unknown>;
  exposeHeadRoutes?: boolean;
}

interface FastifyInstance {
  addHook(
    name: 'onRequest',
    hook: (request: FastifyRequest, reply: FastifyReply, done: Done) => void,
  ): unknown;
  initialConfig: FastifyConfig;
}

/**
 * Fastify: an `onRequest` hook, which runs before content-type parsing, guards and handlers,
 * and for 404s too; the route table is a find-my-way router (Fastify's own) built with the
 * application's router options from the routes Nest registered.
 */
export class FastifyCorsBinding implements CorsHttpBinding {
  private readonly fastify: FastifyInstance;
  private readonly routes: RecordedRoute[];

  constructor(adapter: HttpServer) {
    this.fastify = adapter.getInstance();
    this.routes = recordRoutes(adapter);
  }

  install(engine: CorsEngine): void {
    this.fastify.addHook('onRequest', (request, reply, done) => {
      settle(
        engine.evaluate(this.exchange(request)),
        (error) => done(error as Error),
        (state) => this.proceed(request, reply, done, state),
      );
    });
  }

  private proceed(
    request: FastifyRequest,
    reply: FastifyReply,
    done: Done,
    state: CorsState | undefined,
  ): void {
    if (!state) return done();
    const { decision } = state;
    if (state.preflight && decision) {
      const headers = decision.vary
        ? { ...decision.headers, vary: decision.vary }
        : decision.headers;
      reply.code(decision.status!).headers(headers).send();
      return;
    }
    trackResponse(request, reply.raw, state);
    done();
  }

  routeLookup(
    routeOf: (handle: Function) => CorsRoute | undefined,
  ): RouteLookup {
    const { routerOptions, exposeHeadRoutes } = this.fastify.initialConfig;
    // The options Fastify's router runs with (case, slashes, semicolons, unsafe RegExps), so
    // that both routers read a path alike. Its constraint strategies (version, host) are left
    // out: routes are registered here without constraints.
    const options = { ...routerOptions };
    delete options.constraints;
    const router = FindMyWay<FindMyWay.HTTPVersion.V1>(
      options as FindMyWay.Config<FindMyWay.HTTPVersion.V1>,
    );
    type Store = { route: CorsRoute | undefined; routes: CorsRoute[] };
    const stores = new Map<string, Store>();
    const add = (
      method: string,
      path: string,
      route: CorsRoute | undefined,
    ) => {
      const key = `${method} ${path}`;
      const known = stores.get(key);
      if (known) {
        // Another route for the same method and path: another version or host.
        if (route) known.routes.push(route);
        return;
      }
      const store: Store = { route, routes: route ? [route] : [] };
      stores.set(key, store);
      if (method === 'ALL') router.all(path, () => undefined, store);
      else router.on(method as HTTPMethod, path, () => undefined, store);
    };
    for (const { method, path, handle } of this.routes) {
      const route = routeOf(handle);
      add(method, path, route);
      if (method === 'GET' && exposeHeadRoutes !== false)
        add('HEAD', path, route);
    }
    for (const store of stores.values()) {
      if (store.routes.length > 1) store.route = shareRoutes(store.routes);
    }
    return (method, path) => {
      const found = router.find(method as HTTPMethod, path);
      return (found?.store as { route: CorsRoute | undefined } | undefined)
        ?.route;
    };
  }

  exchange(request: unknown): CorsExchange {
    const { method, url, headers } = request as FastifyRequest;
    return { method, url, headers, raw: request };
  }

  track(request: unknown, reply: unknown, state: CorsState): void {
    trackResponse(
      request as FastifyRequest,
      (reply as FastifyReply).raw,
      state,
    );
  }
}
