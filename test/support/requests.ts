import type { INestApplication } from '@nestjs/common';
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
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
  const server = app.getHttpServer() as Server;
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
