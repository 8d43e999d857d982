import type { HttpServer } from '@nestjs/common';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { CorsDecision } from '../../core/cors-decision.js';
import { preflightHeaders } from './apply-cors-headers.js';
import type { CorsDecider } from '../cors-decider.js';
import type { CorsRouting } from '../cors-routing.js';
import type { CorsRoute, RouteCandidates } from '../cors-route.js';
import { toCorsRequest } from '../cors-request.js';
import { CorsDispatch } from './cors-dispatch.js';
import {
  type CorsHttpBinding,
  type RouteLookup,
  type RouteOfHandle,
  routeOfCall,
} from './cors-http-binding.js';
import type { StatefulRequest } from './cors-request-state.js';
import {
  type FastifyConfig,
  type FastifyRoute,
  fastifyRouteLookup,
} from './fastify-route-index.js';
import { lookAlike, patchMethods, ROUTE_METHODS } from './patch-methods.js';

interface FastifyRequest {
  /** Node's request, which holds the module's decision: Node's response reads it from its `req`. */
  raw: StatefulRequest;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Whether Fastify's router found no route. */
  is404: boolean;
  /** The route Fastify's router found. */
  routeOptions: { config?: RouteConfig };
}

/** What the module adds to the configuration of each route Fastify registers. */
interface RouteConfig {
  /** The route as the module's decision takes it: `[route]`, or `[null]` for a raw route. */
  [ROUTED_TO]?: RouteCandidates;
}

const ROUTED_TO = Symbol('nestjs-cors-policy:routed-to');

interface FastifyReply {
  raw: Omit<ServerResponse, 'req'> & { req: unknown };
  code(status: number): FastifyReply;
  headers(values: Record<string, string>): FastifyReply;
  send(payload?: unknown): FastifyReply;
}

type Done = (error?: unknown) => void;
type Hook = (request: FastifyRequest, reply: FastifyReply, done: Done) => void;
type Handler = (request: FastifyRequest, reply: FastifyReply) => unknown;

interface RouteOptions {
  handler: Handler;
  method: string | string[];
  url: string;
  constraints?: { version?: unknown };
  config?: RouteConfig;
}

interface FastifyInstance {
  addHook(name: 'onRequest', hook: Hook): unknown;
  addHook(name: 'onRoute', hook: (options: RouteOptions) => void): unknown;
  initialConfig: FastifyConfig;
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
    this.fastify.addHook('onRoute', (options) => {
      // A route no controller owns runs under the default policy, decided where it runs.
      if (!this.registering) {
        options.handler = this.entering(options.handler, (holder) =>
          dispatch.unowned(holder, true),
        );
      }
      const route = this.registering ?? null;
      options.config = { ...options.config, [ROUTED_TO]: [route] };
      this.routes.push({
        methods: [options.method].flat(),
        url: options.url,
        version: options.constraints?.version,
        route,
      });
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
    const first = adapter as { setOnRequestHook?: (hook: Hook) => void };
    if (typeof first.setOnRequestHook !== 'function') {
      this.fastify.addHook('onRequest', hook);
      return;
    }
    first.setOnRequestHook(hook);
    // Whoever sets the adapter's request hook later runs after this one, not instead of it.
    patchMethods(adapter, ['setOnRequestHook'], (original, self, [other]) =>
      original.call(self, ((request, reply, done) =>
        hook(request, reply, (error) =>
          error
            ? done(error)
            : (other as Hook).call(self, request, reply, done),
        )) satisfies Hook),
    );
  }

  capture(routeOf: RouteOfHandle): void {
    const { dispatch } = this;
    patchMethods(this.adapter, ROUTE_METHODS, (original, self, args) => {
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
    patchMethods(
      this.adapter,
      ['setNotFoundHandler'],
      (original, self, args) => {
        const notFound = this.entering(args[0] as Handler, (holder) =>
          dispatch.unowned(holder, false),
        );
        const { begin } = this;
        // Fastify's router sends a malformed URL here before any request hook: decide first.
        args[0] = function (
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
        return original.apply(self, args);
      },
    );
  }

  seal(): RouteLookup {
    this.lookup = fastifyRouteLookup(this.fastify.initialConfig, this.routes);
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
    if (request.is404) return [];
    return (
      request.routeOptions.config?.[ROUTED_TO] ??
      this.lookup(request.method, request.url)
    );
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
