import type { HttpServer } from '@nestjs/common';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { CorsDecision } from '../../core/cors-decision.js';
import { preflightHeaders } from './apply-cors-headers.js';
import type { CorsDecider } from '../cors-decider.js';
import type { CorsRouting } from '../cors-routing.js';
import type { CorsRoute, RouteCandidates, RouteLookup } from '../cors-route.js';
import { toCorsRequest } from '../cors-request.js';
import { CorsDispatch } from './cors-dispatch.js';
import {
  type CorsHttpBinding,
  type RouteOfHandle,
  routeOfCall,
} from './cors-http-binding.js';
import type { StatefulRequest } from './cors-request-state.js';
import {
  fastifyConfigOf,
  type FastifyRequestParts,
  interceptFastifyRoutes,
  markOf,
} from '../internals/fastify-instance.js';
import {
  type FastifyRoute,
  fastifyRouteLookup,
} from '../internals/fastify-route-index.js';
import {
  becomeFirstRequestHook,
  interceptNotFoundHandler,
  interceptRouteRegistrations,
  lookAlike,
} from '../internals/nest-adapter.js';

interface FastifyRequest extends FastifyRequestParts {
  /** Node's request, which holds the module's decision: Node's response reads it from its `req`. */
  raw: StatefulRequest;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

interface FastifyReply {
  raw: Omit<ServerResponse, 'req'> & { req: unknown };
  code(status: number): FastifyReply;
  headers(values: Record<string, string>): FastifyReply;
  send(payload?: unknown): FastifyReply;
}

type Done = (error?: unknown) => void;
type Hook = (request: FastifyRequest, reply: FastifyReply, done: Done) => void;
type Handler = (request: FastifyRequest, reply: FastifyReply) => unknown;

interface FastifyInstance {
  addHook(name: 'onRequest', hook: Hook): unknown;
}

/**
 * Fastify: a request hook run by Nest's adapter before any other request hook (so before its
 * security hook and middleware), which Fastify calls once it has routed the request, for 404s
 * too. An actual request is decided from the route Fastify's router found for it. Fastify's
 * `onRoute` hook records every route it registers, raw ones included, for preflights, which
 * are decided from the routes of the method they ask for. Each handler Nest registers decides
 * from its own policy when Fastify dispatches to it.
 */
export class FastifyCorsBinding implements CorsHttpBinding {
  private readonly fastify: FastifyInstance;
  private readonly routes: FastifyRoute[] = [];
  /** The controller route Nest is registering, while Fastify runs its `onRoute` hooks. */
  private registering: CorsRoute | undefined;
  private lookup: RouteLookup = () => [];
  /** The early hook, also run for requests Fastify answers before its request hooks. */
  private readonly begin: Hook;
  private readonly dispatch: CorsDispatch<FastifyRequest, FastifyReply>;

  constructor(
    private readonly adapter: HttpServer,
    routing: CorsRouting,
  ) {
    this.fastify = adapter.getInstance() as FastifyInstance;
    const dispatch = (this.dispatch = new CorsDispatch(routing, {
      holder: (request) => request.raw,
      hostname: (request) => adapter.getRequestHostname?.(request) ?? '',
      answerPreflight,
    }));
    // Each route is marked with the candidates an actual request routed there has:
    // `[route]`, or `[null]` for a raw route.
    interceptFastifyRoutes<Handler>(this.fastify, (options) => {
      // A route no controller owns runs under the default policy, decided where it runs.
      if (!this.registering) {
        options.handler = this.entering(options.handler, (holder) =>
          dispatch.unowned(holder, true),
        );
      }
      const route = this.registering ?? null;
      this.routes.push({
        methods: [options.method].flat(),
        url: options.url,
        version: options.constraints?.version,
        route,
      });
      return [route];
    });
    const hook: Hook = (this.begin = (request, reply, done) => {
      // Node's response reads the decision from its `req`, which a response built by a
      // wrapper (serverless ones do) may not have set to the request Fastify was handed.
      if (reply.raw.req !== request.raw) reply.raw.req = request.raw;
      const corsRequest = toCorsRequest(
        request.method,
        pathOf(request.url),
        request.headers,
        request,
      );
      const candidates = corsRequest.preflight
        ? this.lookup(corsRequest.method, request.url)
        : this.routedTo(request);
      dispatch.begin(request, reply, corsRequest, candidates, done);
    });
    if (!becomeFirstRequestHook(adapter, hook))
      this.fastify.addHook('onRequest', hook);
  }

  capture(routeOf: RouteOfHandle): void {
    const { dispatch } = this;
    interceptRouteRegistrations(this.adapter, (original, self, args) => {
      const route = routeOfCall(routeOf, args);
      if (!route) return original.apply(self, args);
      args[args.length - 1] = this.tag(args.at(-1) as Handler, route);
      this.registering = route;
      try {
        return original.apply(self, args);
      } finally {
        this.registering = undefined;
      }
    });
    interceptNotFoundHandler(this.adapter, (handler) => {
      const notFound = this.entering(handler as Handler, (holder) =>
        dispatch.unowned(holder, false),
      );
      const { begin } = this;
      // Fastify's router sends a malformed URL here before any request hook: decide first.
      return function (
        this: unknown,
        request: FastifyRequest,
        reply: FastifyReply,
      ) {
        if (dispatch.current(request))
          return notFound.call(this, request, reply);
        // The reply is sent by the preflight answer, the error or the not-found handler.
        begin(request, reply, (error) =>
          error ? reply.send(error) : notFound.call(this, request, reply),
        );
        return undefined;
      };
    });
  }

  seal(): RouteLookup {
    this.lookup = fastifyRouteLookup(
      fastifyConfigOf(this.fastify),
      this.routes,
    );
    return this.lookup;
  }

  trustForCsrf(request: unknown): boolean {
    return this.dispatch.trustForCsrf(request as FastifyRequest);
  }

  /**
   * The handler Fastify dispatches to instead of `handle`: decides from `route`'s policy first.
   * It carries `handle`'s metadata and properties through its prototype: Nest's Fastify adapter
   * reads the route's options (`@RouteConfig()`, `@RouteConstraints()`, `@RouteSchema()`) from
   * its metadata, and its version from `version`.
   */
  private tag(handle: Handler, route: CorsRoute): Handler {
    const { decider } = route;
    return lookAlike(
      this.entering(handle, () => decider),
      handle,
    );
  }

  /** Runs `handle` once the decider `deciderOf()` gives has decided for the request. */
  private entering(
    handle: Handler,
    deciderOf: (holder: FastifyRequest) => CorsDecider,
  ): Handler {
    const { dispatch } = this;
    return function (this: unknown, request, reply) {
      return dispatch.enter(
        request,
        deciderOf(request),
        () => handle.call(this, request, reply),
        (error) => reply.send(error),
      );
    };
  }

  /**
   * The routes an actual request reaches: the one Fastify's router found, as it found it. A
   * route whose configuration lost the module's mark (another `onRoute` hook replaced it) is
   * looked up in the module's copy of the routes instead.
   */
  private routedTo(request: FastifyRequest): RouteCandidates {
    return markOf(request) ?? this.lookup(request.method, request.url);
  }
}

/** The path of a request target, without its query string. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function answerPreflight(reply: FastifyReply, decision: CorsDecision): void {
  reply.code(decision.status!).headers(preflightHeaders(decision)).send();
}
