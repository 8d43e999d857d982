import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import { CorsService, CorsWsAdapter } from 'nestjs-cors-policy';
import { AppModule, PreflightCounter } from './app.module.js';
import { createWebServer } from './web-server.js';

export interface DemoOptions {
  /** 0 picks a free port. Default: 53706. */
  apiPort?: number;
  /** 0 picks a free port. Default: 5173. */
  webPort?: number;
  /** Interface both servers listen on. Default: 127.0.0.1. */
  host?: string;
  /** Nest's log levels; `false` for none. */
  logger?: LogLevel[] | false;
}

export interface Demo {
  /** `http://localhost:<port>`; routes are under `/api`. */
  apiUrl: string;
  /** The playground's origin, `http://localhost:<port>`. */
  webUrl: string;
  apiPort: number;
  webPort: number;
  /** Stops both servers. */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the playground's web server, then the API whose policies allow the playground's origin. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const { apiPort = 53706, webPort = 5173, host = '127.0.0.1' } = options;
  let apiUrl = '';
  const web = createWebServer(() => apiUrl);
  // The web server starts first: the API's policies need its actual port.
  const actualWebPort = await listen(web, webPort, host);
  const webUrl = `http://localhost:${actualWebPort}`;
  const closeWeb = () =>
    new Promise<void>((resolve) => {
      web.close(() => resolve());
      web.closeAllConnections();
    });
  try {
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ pageOrigin: webUrl, webPort: actualWebPort }),
      // Keep-alive connections from browsers must not hold up app.close().
      { logger: options.logger, forceCloseConnections: true },
    );
    app.setGlobalPrefix('api');
    // Cross-origin writes are trusted where the route's policy allows the origin with
    // credentials: the CORS policies are the CSRF check's only list of trusted origins.
    app.enableCsrfProtection({ exclude: app.get(CorsService).trustedForCsrf });
    // The gateway's handshake follows its CORS policy, as the routes do.
    app.useWebSocketAdapter(new (CorsWsAdapter(WsAdapter))(app));
    // Counted before the CORS module answers: preflights never reach Nest's middleware.
    const preflights = app.get(PreflightCounter);
    app.getHttpServer().prependListener('request', (req) => {
      if (
        req.method === 'OPTIONS' &&
        req.headers['access-control-request-method']
      ) {
        preflights.record((req.url ?? '').replace(/\?.*/s, ''));
      }
    });
    await app.listen(apiPort, host);
    const actualApiPort = (app.getHttpServer().address() as AddressInfo).port;
    apiUrl = `http://localhost:${actualApiPort}`;
    return {
      apiUrl,
      webUrl,
      apiPort: actualApiPort,
      webPort: actualWebPort,
      close: async () => {
        await Promise.all([app.close(), closeWeb()]);
      },
    };
  } catch (error) {
    await closeWeb();
    throw error;
  }
}
