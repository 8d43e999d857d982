import type { HttpServer } from '@nestjs/common';
import { countExpressMiddleware } from './internals/express-app.js';
import { whenFastifyHasPlugin } from './internals/fastify-instance.js';
import { interceptEnableCors } from './internals/nest-adapter.js';

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

/**
 * CORS the application sets up besides CorsModule: `app.enableCors()`, the `cors` package's
 * middleware on Express, `@fastify/cors` on Fastify. Each of them answers preflights the
 * module should answer and sets headers that fight the module's, so each is reported.
 */
export class OtherCors {
  private enableCorsCalls = 0;

  /** Watches `adapter.enableCors()` from now on. */
  constructor(private readonly adapter: HttpServer) {
    interceptEnableCors(adapter, () => this.enableCorsCalls++);
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
      countExpressMiddleware(
        this.adapter.getInstance(),
        (middleware) => middleware.name === CORS_MIDDLEWARE_NAME,
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
      whenFastifyHasPlugin(this.adapter.getInstance(), FASTIFY_CORS, () =>
        warn(
          `${FASTIFY_CORS}, registered on the Fastify instance, is active as well: it answers the preflights of routes without a policy and its headers fight this module's. Remove its register() call; CorsModule covers every route.`,
        ),
      );
    }
  }
}
