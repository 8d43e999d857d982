import type { HttpServer } from '@nestjs/common';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { CorsEngine, RouteLookup } from '../cors-engine.js';
import type { CorsExchange, CorsState } from '../cors-exchange.js';
import type { CorsRoute } from '../cors-route.js';
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

/** The router options of Fastify that change which route a path reaches. */
interface FastifyRouterConfig {
  caseSensitive?: boolean;
  ignoreTrailingSlash?: boolean;
  ignoreDuplicateSlashes?: boolean;
  maxParamLength?: number;
  exposeHeadRoutes?: boolean;
  routerOptions?: Omit<
    FastifyRouterConfig,
    'routerOptions' | 'exposeHeadRoutes'
  >;
}

interface FastifyInstance {
  addHook(
    name: 'onRequest',
    hook: (request: FastifyRequest, reply: FastifyReply, done: Done) => void,
  ): unknown;
  initialConfig: FastifyRouterConfig;
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
    const config = this.fastify.initialConfig;
    const options = { ...config, ...config.routerOptions };
    const router = FindMyWay<FindMyWay.HTTPVersion.V1>({
      caseSensitive: options.caseSensitive,
      ignoreTrailingSlash: options.ignoreTrailingSlash,
      ignoreDuplicateSlashes: options.ignoreDuplicateSlashes,
      maxParamLength: options.maxParamLength,
    });
    const add = (
      method: string,
      path: string,
      store: { route: CorsRoute | undefined },
    ) => {
      try {
        if (method === 'ALL') router.all(path, () => undefined, store);
        else router.on(method as HTTPMethod, path, () => undefined, store);
      } catch {
        // A second route for the same method and path (another version or host): the first wins.
      }
    };
    for (const { method, path, handle } of this.routes) {
      const store = { route: routeOf(handle) };
      add(method, path, store);
      if (method === 'GET' && config.exposeHeadRoutes !== false)
        add('HEAD', path, store);
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
