import type { HttpServer } from '@nestjs/common';

/**
 * The name of the function the `cors` package's `cors()` returns (`corsMiddleware`, in
 * `cors/lib/index.js` up to 2.8.6). The package marks its middleware in no other way, and this
 * library does not depend on it, so there is no copy of it to compare with: the name is the
 * only sign. A build that minifies `node_modules` (rare for a server) renames it, and such a
 * middleware then goes unreported.
 */
const CORS_MIDDLEWARE_NAME = 'corsMiddleware';

/**
 * The name `@fastify/cors` declares through `fastify-plugin`, which Fastify records as it
 * loads the plugin and which a minifier does not change.
 */
const FASTIFY_CORS = '@fastify/cors';

/** The parts of an Express 5 router, and of its layers, read here. */
interface ExpressRouter {
  stack?: Array<{ handle?: unknown; route?: unknown }>;
}

/** The parts of a Fastify instance read here. */
interface FastifyInstance {
  hasPlugin(name: string): boolean;
  addHook(name: 'onReady', hook: (done: () => void) => void): unknown;
}

/**
 * CORS the application sets up besides CorsModule: `app.enableCors()`, the `cors` package's
 * middleware on Express, `@fastify/cors` on Fastify. Each of them answers preflights the
 * module should answer and sets headers that fight the module's, so each is reported.
 */
export class OtherCors {
  private enableCorsCalls = 0;

  /** Watches `adapter.enableCors()` from now on. */
  constructor(private readonly adapter: HttpServer) {
    const enableCors = adapter.enableCors.bind(adapter);
    adapter.enableCors = (...args) => {
      this.enableCorsCalls++;
      return enableCors(...args) as unknown;
    };
  }

  /**
   * Passes `warn` one message naming what it finds and how to remove it; called at bootstrap,
   * once the app's `app.use()` calls are made. Fastify knows a plugin only once it has loaded
   * it, so `@fastify/cors` is looked for when the instance is ready (at once if it is).
   */
  report(warn: (message: string) => void): void {
    const type = this.adapter.getType();
    const found: string[] = [];
    if (this.enableCorsCalls > 0) found.push('app.enableCors()');
    // Nest's Express adapter mounts one `cors` middleware for each `enableCors()` call.
    if (
      type === 'express' &&
      countCorsMiddleware(
        (this.adapter.getInstance() as { router?: ExpressRouter }).router,
      ) > this.enableCorsCalls
    )
      found.push("app.use(cors()) (the cors package's middleware)");
    if (found.length > 0) {
      warn(
        found.length === 1
          ? `${found[0]} is active as well: it answers the preflights of routes without a policy and its headers fight this module's. Remove it; CorsModule covers every route.`
          : `${found.join(' and ')} are active as well: they answer the preflights of routes without a policy and their headers fight this module's. Remove them; CorsModule covers every route.`,
      );
    } else if (type === 'fastify') {
      // Checked only without `enableCors()`: given a `hook` option, Nest's Fastify adapter
      // registers `@fastify/cors` for it, which the message above covers.
      whenFastifyHasCors(this.adapter.getInstance() as FastifyInstance, () =>
        warn(
          `${FASTIFY_CORS}, registered on the Fastify instance, is active as well: it answers the preflights of routes without a policy and its headers fight this module's. Remove its register() call; CorsModule covers every route.`,
        ),
      );
    }
  }
}

/**
 * How many `cors` middlewares `router` runs, in its own stack and in the routers mounted in it
 * (`app.use('/api', router)`). The handlers of routes are not counted.
 */
function countCorsMiddleware(
  router: ExpressRouter | undefined,
  seen = new Set<unknown>(),
): number {
  if (!router || seen.has(router) || !Array.isArray(router.stack)) return 0;
  seen.add(router);
  let count = 0;
  for (const { handle, route } of router.stack) {
    if (route !== undefined || typeof handle !== 'function') continue;
    if (handle.name === CORS_MIDDLEWARE_NAME) count++;
    else count += countCorsMiddleware(handle as ExpressRouter, seen);
  }
  return count;
}

/** Calls `found` if `@fastify/cors` is among the plugins of `fastify`, once they are loaded. */
function whenFastifyHasCors(fastify: FastifyInstance, found: () => void) {
  if (fastify.hasPlugin(FASTIFY_CORS)) return found();
  try {
    fastify.addHook('onReady', (done) => {
      if (fastify.hasPlugin(FASTIFY_CORS)) found();
      done();
    });
  } catch {
    // Fastify refuses hooks once it is ready: it has loaded its plugins, and none of them is
    // `@fastify/cors`.
  }
}
