import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import request from 'supertest';

/** Supertest on the app's HTTP server, which Nest types as `any`. */
export function http(app: INestApplication) {
  return request(app.getHttpServer() as Server);
}

/** Sends a preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`. */
export function preflight(
  app: INestApplication,
  path: string,
  origin: string,
  method: string,
  headers?: string,
) {
  const req = http(app)
    .options(path)
    .set('Origin', origin)
    .set('Access-Control-Request-Method', method);
  return headers === undefined
    ? req
    : req.set('Access-Control-Request-Headers', headers);
}

/** The CORS headers of a response, by lower-case name. */
export function corsHeaders(
  headers: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) =>
      name.startsWith('access-control-'),
    ),
  );
}
