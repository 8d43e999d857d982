import type { RouteCandidates } from '../cors-route.js';
import type { FastifyConfig } from './fastify-route-index.js';

/** The parts of a Fastify request the module reads. */
export interface FastifyRequestParts {
  /** Whether Fastify's router found no route. */
  is404: boolean;
  /** The route Fastify's router found, as its `onRoute` hooks left it. */
  routeOptions: { config?: RouteConfig };
}

/** What the module adds to the configuration of each route Fastify registers. */
interface RouteConfig {
  [ROUTED_TO]?: RouteCandidates;
}

const ROUTED_TO = Symbol('nestjs-cors-policy:routed-to');

/** A route's options, as Fastify hands them to its `onRoute` hooks. */
export interface FastifyRouteOptions<Handler> {
  handler: Handler;
  method: string | string[];
  url: string;
  constraints?: { version?: unknown };
  config?: RouteConfig;
}

interface FastifyInstance {
  addHook(name: string, hook: (...args: never[]) => unknown): unknown;
  hasPlugin(name: string): boolean;
  initialConfig: FastifyConfig;
}

/**
 * Fastify calls each `onRoute` hook with a route's options before it registers the route,
 * and registers the handler the hook leaves; `mark` is kept in the route's `config`, where
 * `markOf()` reads it for the requests Fastify routes there.
 */
export function interceptFastifyRoutes<Handler>(
  fastify: unknown,
  intercept: (options: FastifyRouteOptions<Handler>) => RouteCandidates,
): void {
  (fastify as FastifyInstance).addHook(
    'onRoute',
    (options: FastifyRouteOptions<Handler>) => {
      const mark = intercept(options);
      options.config = { ...options.config, [ROUTED_TO]: mark };
    },
  );
}

/**
 * `request.routeOptions.config` is the configuration of the route Fastify's router found, and
 * `request.is404` says it found none: the mark `interceptFastifyRoutes()` left there, `[]`
 * for no route, or `undefined` where another `onRoute` hook replaced the configuration.
 */
export function markOf(
  request: FastifyRequestParts,
): RouteCandidates | undefined {
  if (request.is404) return [];
  return request.routeOptions.config?.[ROUTED_TO];
}

/** `fastify.initialConfig` holds the options the instance was created with, router options included. */
export function fastifyConfigOf(fastify: unknown): FastifyConfig {
  return (fastify as FastifyInstance).initialConfig;
}

/**
 * `fastify.hasPlugin(name)` knows the plugins Fastify has loaded, by the name `fastify-plugin`
 * declares, and all of them by the time its `onReady` hooks run. Calls `found` once `name` is
 * known to be among them.
 */
export function whenFastifyHasPlugin(
  fastify: unknown,
  name: string,
  found: () => void,
): void {
  const instance = fastify as FastifyInstance;
  if (instance.hasPlugin(name)) return found();
  try {
    instance.addHook('onReady', (done: () => void) => {
      if (instance.hasPlugin(name)) found();
      done();
    });
  } catch {
    // Fastify refuses hooks once it listens, and runs none added once it is ready: it has
    // loaded its plugins by then, and `name` is not among them.
  }
}
