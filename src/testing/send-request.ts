import type { INestApplication } from '@nestjs/common';
import {
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type Server,
  request as httpRequest,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A response as the kit received it.
 *
 * @publicApi
 */
export interface CorsTestResponse {
  /** The HTTP status. */
  status: number;
  /** By lower-case name; repeated headers joined by `, `, as `node:http` gives them. */
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Sends one request to the application over real HTTP, as a browser would reach it. An
 * application that does not listen yet is started on a free loopback port first; closing it
 * (`app.close()`) stops that server too.
 */
export async function sendRequest(
  app: INestApplication,
  method: string,
  path: string,
  headers: OutgoingHttpHeaders,
): Promise<CorsTestResponse> {
  const server = app.getHttpServer() as Server;
  if (!server.listening) await listening(app);
  const address = server.address() as AddressInfo | string;
  const target =
    typeof address === 'string'
      ? { socketPath: address }
      : { host: loopback(address.address), port: address.port };
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      // No agent: no connection is kept open to hold up the app's close().
      { ...target, method, path, headers, agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode!,
            headers: response.headers,
            body,
          }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** Each application the kit started, until it listens: calls at once start it once. */
const starting = new WeakMap<INestApplication, Promise<unknown>>();

function listening(app: INestApplication): Promise<unknown> {
  let started = starting.get(app);
  if (!started) {
    started = app.listen(0, '127.0.0.1');
    starting.set(app, started);
  }
  return started;
}

/** Where a server listening on every address can be reached: its loopback address. */
function loopback(address: string): string {
  if (address === '::') return '::1';
  return address === '0.0.0.0' ? '127.0.0.1' : address;
}
