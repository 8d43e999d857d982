import type {
  DynamicModule,
  INestApplication,
  NestApplicationOptions,
  Provider,
  Type,
} from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { FastifyInstance } from 'fastify';
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdapterName } from './adapters.js';
import { corsHeaders, http } from './cors-requests.js';

export interface BuildAppParts {
  adapter: AdapterName;
  cors: DynamicModule;
  controllers?: Type[];
  providers?: Provider[];
  /** Options of `createNestApplication()`, besides `logger: false`. */
  appOptions?: NestApplicationOptions;
  /** A Fastify instance the app runs on, as a user may hand one to `FastifyAdapter`. */
  fastify?: FastifyInstance;
  /** Runs before `app.init()`: versioning, `app.use()`, raw routes… */
  configure?: (app: INestApplication) => void;
}

/**
 * Like `createApp`, for apps that need what it does not pass on: application options, a
 * user-supplied Fastify instance. Initialised (and Fastify ready), not listening.
 */
export async function buildApp(
  parts: BuildAppParts,
): Promise<INestApplication> {
  @Module({
    imports: [parts.cors],
    controllers: parts.controllers,
    providers: parts.providers,
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule],
  }).compile();
  const options = { logger: false as const, ...parts.appOptions };
  const app =
    parts.adapter === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(
          new FastifyAdapter(
            parts.fastify as ConstructorParameters<typeof FastifyAdapter>[0],
          ),
          options,
        )
      : moduleRef.createNestApplication(new ExpressAdapter(), options);
  parts.configure?.(app);
  await app.init();
  if (parts.adapter === 'fastify')
    await (app as NestFastifyApplication)
      .getHttpAdapter()
      .getInstance()
      .ready();
  return app;
}

/** The exact CORS headers of an actual response allowed for `origin`. */
export const allows = (
  origin: string,
  credentials = false,
): Record<string, string> =>
  credentials
    ? {
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
      }
    : { 'access-control-allow-origin': origin };

/** The exact CORS headers of a preflight allowed for `origin`, without credentials. */
export const preflightAllows = (origin: string, methods: string) => ({
  'access-control-allow-origin': origin,
  'access-control-allow-methods': methods,
});

export type Verb = 'get' | 'post' | 'delete';
/** An actual request from `origin`, with more headers. */
export const send = (
  app: INestApplication,
  verb: Verb,
  path: string,
  origin: string,
  headers: Record<string, string> = {},
) =>
  http(app)
    [verb](path)
    .set({ Origin: origin, ...headers });

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * Asserts a response's status, its exact CORS headers and, when given, its body (which tells
 * which handler ran), in one comparison so that a failure shows all three.
 */
export function expectAnswer(
  res: { status: number; headers: object; text: string },
  status: number,
  cors: Record<string, string>,
  text?: string,
): void {
  const body = (value: string) => (text === undefined ? {} : { text: value });
  expect({
    status: res.status,
    cors: corsHeaders(res.headers as Record<string, unknown>),
    ...body(res.text),
  }).toEqual({ status, cors, ...body(text ?? '') });
}

/**
 * Sends a request with `node:http`, whose request target is sent exactly as given (a
 * `#fragment`, an absolute-form target), which supertest would normalise. The app listens
 * on an ephemeral port first, if it does not already. `headers` may be a flat list of names
 * and values, to send a header more than once (Node adds no `Host` to such a list).
 */
export async function rawRequest(
  app: INestApplication,
  method: string,
  target: string,
  headers: OutgoingHttpHeaders | readonly string[],
): Promise<RawResponse> {
  const server = app.getHttpServer() as import('node:http').Server;
  if (!server.listening) await app.listen(0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path: target, headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, text }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}
