import { Controller, Get, type INestApplication, Req } from '@nestjs/common';
import {
  FastifyAdapter,
  type NestFastifyApplication,
  RouteConfig,
  RouteConstraints,
} from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { createServer, type Server as HttpServer } from 'node:http';
import { connect, constants } from 'node:http2';
import type { AddressInfo, Server } from 'node:net';
import {
  APP_ORIGIN,
  EVIL_ORIGIN,
  SampleAppModule,
} from '../fixtures/sample-app.js';
import request from 'supertest';
import { CorsModule, CorsPolicy } from '../../src/index.js';
import { corsHeaders } from '../support/answers.js';
import { createTestApp } from '../support/test-app.js';

const GRANTED = {
  'access-control-allow-origin': APP_ORIGIN,
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'X-Request-Id',
};

/** The sample app on `httpAdapter`, with the prefix `api` only (no version, no exclusion). */
const fastifyApp = (httpAdapter: FastifyAdapter, listen = false) =>
  createTestApp<NestFastifyApplication>({
    imports: [SampleAppModule],
    httpAdapter,
    configure: (app) => app.setGlobalPrefix('api'),
    listen,
  });

/** A request over HTTP/2 cleartext: its status and response headers. */
function h2Request(
  port: number,
  path: string,
  origin: string,
): Promise<{ status: number; headers: Record<string, unknown> }> {
  const session = connect(`http://127.0.0.1:${port}`);
  return new Promise((resolve, reject) => {
    const stream = session.request({
      [constants.HTTP2_HEADER_PATH]: path,
      origin,
    });
    stream.on('response', (headers) => {
      stream.resume();
      stream.on('end', () => {
        session.close();
        const { ':status': status, ...rest } = headers;
        resolve({ status: status!, headers: rest });
      });
    });
    stream.on('error', reject);
    stream.end();
  });
}

describe('Fastify over HTTP/2', () => {
  let app: INestApplication;
  let port: number;
  beforeAll(async () => {
    app = await fastifyApp(new FastifyAdapter({ http2: true }), true);
    ({ port } = (app.getHttpServer() as Server).address() as AddressInfo);
  });
  afterAll(() => app.close());

  it.each([
    ['a handler result', '/api/hello', 200],
    ['a guard rejection', '/api/private', 401],
    ['an unknown route', '/api/missing/route', 404],
  ])('%s carries the headers', async (_, path, status) => {
    const res = await h2Request(port, path, APP_ORIGIN);
    expect(res.status).toBe(status);
    expect(corsHeaders(res.headers)).toEqual(GRANTED);
    expect(res.headers.vary).toBe('Origin');
  });

  it('a denied origin gets none', async () => {
    const res = await h2Request(port, '/api/hello', EVIL_ORIGIN);
    expect(res.status).toBe(200);
    expect(corsHeaders(res.headers)).toEqual({});
  });
});

describe('Fastify behind a wrapper that builds its own responses', () => {
  // As serverless adapters do: the response's `req` is not the request Fastify is handed.
  let app: NestFastifyApplication;
  let server: HttpServer;
  beforeAll(async () => {
    app = await fastifyApp(new FastifyAdapter());
    const fastify = app.getHttpAdapter().getInstance();
    server = createServer((req, res) => {
      Object.assign(res, { req: { method: req.method } });
      fastify.routing(req, res);
    });
  });
  afterAll(() => app.close());

  it('an allowed origin gets the headers', async () => {
    const res = await request(server)
      .get('/api/hello')
      .set('Origin', APP_ORIGIN);
    expect(res.status).toBe(200);
    expect(corsHeaders(res.headers)).toEqual(GRANTED);
  });

  it('a denied origin gets none, not even those the handler set', async () => {
    const res = await request(server)
      .get('/api/hello/exposed')
      .set('Origin', EVIL_ORIGIN);
    expect(res.status).toBe(200);
    expect(corsHeaders(res.headers)).toEqual({});
  });
});

describe("Fastify route options from Nest's decorators", () => {
  // Nest's Fastify adapter reads them off the handler it is handed, which is the module's.
  const PARTNER = 'https://partner.example.org';
  @Controller('options')
  @CorsPolicy({ origin: [PARTNER] })
  class RouteOptionsController {
    @Get('config')
    @RouteConfig({ label: 'from @RouteConfig' })
    config(@Req() req: FastifyRequest) {
      return req.routeOptions.config;
    }

    @Get('constrained')
    @RouteConstraints({ host: 'api.example.com' })
    constrained() {
      return 'api';
    }
  }

  let app: INestApplication;
  let server: HttpServer;
  beforeAll(async () => {
    app = await createTestApp({
      cors: CorsModule.forRoot({ default: { origin: [APP_ORIGIN] } }),
      controllers: [RouteOptionsController],
      adapter: 'fastify',
    });
    server = app.getHttpServer() as HttpServer;
  });
  afterAll(() => app.close());

  it("@RouteConfig reaches the handler, with the route's headers", async () => {
    const res = await request(server)
      .get('/options/config')
      .set('Origin', PARTNER);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ label: 'from @RouteConfig' });
    expect(corsHeaders(res.headers)).toEqual({
      'access-control-allow-origin': PARTNER,
    });
  });

  it('@RouteConstraints decide which requests reach the route', async () => {
    const matching = await request(server)
      .get('/options/constrained')
      .set('Host', 'api.example.com')
      .set('Origin', PARTNER);
    expect(matching.status).toBe(200);
    expect(matching.text).toBe('api');
    expect(corsHeaders(matching.headers)).toEqual({
      'access-control-allow-origin': PARTNER,
    });
    const other = await request(server)
      .get('/options/constrained')
      .set('Origin', APP_ORIGIN);
    expect(other.status).toBe(404);
  });
});
