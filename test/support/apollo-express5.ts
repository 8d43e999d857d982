import { jest } from '@jest/globals';
import {
  type ApolloServer,
  type BaseContext,
  type ContextFunction,
  HeaderMap,
} from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Whether `@as-integrations/express5`, which `@nestjs/apollo` loads to mount Apollo Server
 * on Express, is installed. It is not a dependency of this project yet.
 */
const hasApolloExpress5 = existsSync(
  fileURLToPath(
    new URL(
      '../../node_modules/@as-integrations/express5/package.json',
      import.meta.url,
    ),
  ),
);

interface ExpressContext {
  req: Request;
  res: Response;
}

/**
 * The `expressMiddleware` of `@as-integrations/express5`, as that package does it: the
 * request as Express parsed it (Nest's JSON body parser) goes to Apollo Server, whose answer
 * is written back with its status and headers. The route, the mount (`app.use(path, …)` by
 * the driver) and everything Apollo Server does are the real ones.
 */
export function expressMiddleware(
  server: ApolloServer<BaseContext>,
  options?: { context?: ContextFunction<[ExpressContext], BaseContext> },
) {
  server.assertStarted('expressMiddleware()');
  const context = options?.context ?? (async () => ({}));
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.body) {
      res
        .status(500)
        .send(
          '`req.body` is not set; this probably means you forgot to set up the `json` middleware before the Apollo Server middleware.',
        );
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined)
        headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const search = new URL(req.originalUrl, 'http://localhost').search;
    server
      .executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: req.method.toUpperCase(),
          headers,
          search,
          body: req.body,
        },
        context: () => context({ req, res }),
      })
      .then(async (response) => {
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        if (response.body.kind === 'complete') {
          res.send(response.body.string);
          return;
        }
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      })
      .catch(next);
  };
}

/**
 * Until `@as-integrations/express5` is installed, gives the Apollo driver this file's
 * `expressMiddleware` when it imports that package (which it does when the app starts, so
 * this must run before). Once the package is installed, the real one is used.
 */
export function provideApolloExpress5(): void {
  if (hasApolloExpress5) return;
  jest.unstable_mockModule(
    '@as-integrations/express5',
    () => ({ expressMiddleware }),
    { virtual: true },
  );
}
