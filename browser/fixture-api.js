// A second API for the browser suite, for the README claims the demo does not show: preflight
// caching with a short Access-Control-Max-Age, the `http://localhost:*` and RegExp recipes,
// cookies across sites, more error paths, streams, and handlers that set CORS headers of their
// own. Plain JavaScript: the decorators are applied with Reflect.decorate, as TypeScript would,
// and the library is imported by its package name, as an app would.
import 'reflect-metadata';
import {
  Controller,
  Get,
  Header,
  Headers,
  HttpException,
  HttpStatus,
  Injectable,
  Module,
  Param,
  ParseIntPipe,
  Res,
  Sse,
  StreamableFile,
  UseGuards,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CorsModule, CorsPolicy } from 'nestjs-cors-policy';
import { of } from 'rxjs';

/** Applies `decorators` to the class, and `methods[key]` to each of its handlers. */
function decorate(controller, decorators, methods) {
  Reflect.decorate(decorators, controller);
  const prototype = controller.prototype;
  for (const [key, handlerDecorators] of Object.entries(methods)) {
    Reflect.decorate(
      handlerDecorators,
      prototype,
      key,
      Object.getOwnPropertyDescriptor(prototype, key),
    );
  }
}

/** The names of the cookies in a Cookie header. */
const cookieNames = (header = '') =>
  header
    .split(';')
    .map((pair) => pair.split('=')[0].trim())
    .filter(Boolean)
    .sort();

/**
 * The fixture's routes, under `/api`, for pages served on `webPort`:
 * - `GET /max-age/one`, `/max-age/zero`: the page origin, with `maxAge` 1 and 0.
 * - `GET /any-port`: `origin: ['http://localhost:*']`.
 * - `GET /pr`: `origin: [/^http:\/\/pr-\d+\.localhost:<webPort>$/]`.
 * - `GET /cookies`: the page origin and `http://app.localhost:<webPort>` (another site), with
 *   credentials. It sets three cookies, `lax` (`SameSite=Lax`), `none_secure`
 *   (`SameSite=None; Secure`) and `partitioned` (the same, `Partitioned`), and answers the
 *   names of those it received.
 * - For the page origin: `GET /errors/403` (a guard that refuses), `/errors/429` (a guard that
 *   throws 429, as a throttler does), `/errors/pipe/:id` (ParseIntPipe), `/file` (a
 *   StreamableFile), `/events` (@Sse, one message), and `/own-headers`, whose handler sets
 *   `Access-Control-Allow-Origin: *` and exposes `X-Secret` itself, under a policy with
 *   credentials that exposes `X-Request-Id` only.
 */
function fixtureModule({ pageOrigin, webPort }) {
  class MaxAgeController {
    one() {
      return { maxAge: 1 };
    }
    zero() {
      return { maxAge: 0 };
    }
  }
  decorate(MaxAgeController, [Controller('max-age')], {
    one: [Get('one'), CorsPolicy({ origin: [pageOrigin], maxAge: 1 })],
    zero: [Get('zero'), CorsPolicy({ origin: [pageOrigin], maxAge: 0 })],
  });

  class RecipesController {
    anyPort() {
      return { anyPort: true };
    }
    preview() {
      return { preview: true };
    }
  }
  decorate(RecipesController, [Controller()], {
    anyPort: [Get('any-port'), CorsPolicy({ origin: ['http://localhost:*'] })],
    preview: [
      Get('pr'),
      CorsPolicy({
        origin: [new RegExp(`^http:\\/\\/pr-\\d+\\.localhost:${webPort}$`)],
      }),
    ],
  });

  class CookiesController {
    cookies(cookie, res) {
      res.append('Set-Cookie', [
        'lax=1; Path=/; SameSite=Lax',
        'none_secure=1; Path=/; SameSite=None; Secure',
        'partitioned=1; Path=/; SameSite=None; Secure; Partitioned',
      ]);
      return { received: cookieNames(cookie) };
    }
  }
  Headers('cookie')(CookiesController.prototype, 'cookies', 0);
  Res({ passthrough: true })(CookiesController.prototype, 'cookies', 1);
  decorate(CookiesController, [Controller()], {
    cookies: [
      Get('cookies'),
      CorsPolicy({
        origin: [pageOrigin, `http://app.localhost:${webPort}`],
        credentials: true,
      }),
    ],
  });

  class DenyGuard {
    canActivate() {
      return false;
    }
  }
  class ThrottleGuard {
    canActivate() {
      throw new HttpException(
        'Too Many Requests',
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }
  Reflect.decorate([Injectable()], DenyGuard);
  Reflect.decorate([Injectable()], ThrottleGuard);

  class PageController {
    forbidden() {
      return {};
    }
    throttled() {
      return {};
    }
    pipe(id) {
      return { id };
    }
    file() {
      return new StreamableFile(Buffer.from('a file'));
    }
    events() {
      return of({ data: { event: 'hello' } });
    }
    ownHeaders(res) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Expose-Headers', 'X-Secret');
      res.setHeader('X-Secret', 'hidden');
      res.setHeader('X-Request-Id', 'exposed');
      return { own: true };
    }
  }
  Param('id', ParseIntPipe)(PageController.prototype, 'pipe', 0);
  Res({ passthrough: true })(PageController.prototype, 'ownHeaders', 0);
  decorate(
    PageController,
    [Controller(), CorsPolicy({ origin: [pageOrigin] })],
    {
      forbidden: [Get('errors/403'), UseGuards(DenyGuard)],
      throttled: [Get('errors/429'), UseGuards(ThrottleGuard)],
      pipe: [Get('errors/pipe/:id')],
      file: [Get('file'), Header('Content-Type', 'text/plain')],
      events: [Sse('events')],
      ownHeaders: [
        Get('own-headers'),
        CorsPolicy({
          origin: [pageOrigin],
          credentials: true,
          exposedHeaders: ['X-Request-Id'],
        }),
      ],
    },
  );

  class FixtureModule {}
  Reflect.decorate(
    [
      Module({
        imports: [CorsModule.forRoot({})],
        controllers: [
          MaxAgeController,
          RecipesController,
          CookiesController,
          PageController,
        ],
      }),
    ],
    FixtureModule,
  );
  return FixtureModule;
}

/**
 * Starts the fixture API on a free port of 127.0.0.1, for pages served on `webPort`.
 * Resolves to `{ url: 'http://localhost:<port>/api', port, close() }`.
 */
export async function startFixtureApi({ webPort }) {
  const app = await NestFactory.create(
    fixtureModule({ pageOrigin: `http://localhost:${webPort}`, webPort }),
    { logger: false, forceCloseConnections: true },
  );
  app.setGlobalPrefix('api');
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  return {
    url: `http://localhost:${port}/api`,
    port,
    close: () => app.close(),
  };
}
