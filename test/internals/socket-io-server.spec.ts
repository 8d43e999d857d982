import { describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { Namespace, Server } from 'socket.io';
import { useEngineMiddleware } from '../../src/nest/internals/socket-io-server.js';
import { http } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';

/*
 * Canary of src/nest/internals/socket-io-server.ts: what Nest's IoAdapter.create() returns, and
 * that Socket.IO runs engine middleware before it handles a request. Nest 12 only: the
 * @nestjs/platform-socket.io major this project tests with requires it (compat/nest11.mjs
 * leaves this file out).
 */

type Allow = (error: string | null, success: boolean) => void;

/** What the engine middleware and the gateway's allowRequest saw, in order. */
const seen: string[] = [];

@WebSocketGateway({
  path: '/events',
  allowRequest: (req: IncomingMessage, callback: Allow) => {
    seen.push(
      `allowRequest ${req.url!.includes('websocket') ? 'websocket' : 'polling'}`,
    );
    callback(null, true);
  },
})
class EventsGateway {}

/** IoAdapter, adding an engine middleware to each server it creates, as the module's adapter does. */
class MiddlewareIoAdapter extends IoAdapter {
  override create(port: number, given?: Parameters<IoAdapter['create']>[1]) {
    const created = super.create(port, given) as unknown;
    const options = given as Record<string, unknown> | undefined;
    if (!options?.server)
      useEngineMiddleware(created, (req, res, next) => {
        seen.push(
          `middleware ${req.url!.includes('websocket') ? 'websocket' : 'polling'}`,
        );
        res.setHeader('X-Engine-Middleware', 'ran');
        next();
      });
    return created as never;
  }
}

describe.each(ADAPTERS)('useEngineMiddleware (%s)', (adapter) => {
  async function appWith(Adapter: typeof IoAdapter): Promise<INestApplication> {
    return createTestApp({
      adapter,
      providers: [EventsGateway],
      configure: (app) => app.useWebSocketAdapter(new Adapter(app)),
      listen: true,
    });
  }

  it('IoAdapter.create() returns the Socket.IO server, with its engine, and a namespace of a server, whose server has the engine', async () => {
    const app = await appWith(IoAdapter);
    const ioAdapter = new IoAdapter(app);
    const server = ioAdapter.create(0, { path: '/other' } as never) as unknown;
    try {
      expect(server).toBeInstanceOf(Server);
      expect(typeof (server as Server).engine.use).toBe('function');
      const namespace = ioAdapter.create(0, {
        namespace: '/rooms',
        server,
      } as never) as unknown;
      expect(namespace).toBeInstanceOf(Namespace);
      expect((namespace as Namespace).server).toBe(server);
      const made = ioAdapter.create(0, {
        path: '/made',
        namespace: '/made',
      } as never) as unknown;
      expect(made).toBeInstanceOf(Namespace);
      expect(typeof (made as Namespace).server.engine.use).toBe('function');
      (made as Namespace).server.engine.close();
    } finally {
      // Its engine only: closing the server would close Nest's HTTP server.
      (server as Server).engine.close();
      await app.close();
    }
  });

  it('Socket.IO runs engine.use() middleware before it handles a polling handshake, and before allowRequest', async () => {
    seen.length = 0;
    const app = await appWith(MiddlewareIoAdapter);
    try {
      const handshake = await http(app).get('/events/?EIO=4&transport=polling');
      expect(handshake.status).toBe(200);
      expect(handshake.headers['x-engine-middleware']).toBe('ran');
      expect(seen).toEqual(['middleware polling', 'allowRequest polling']);
    } finally {
      await app.close();
    }
  });

  it('Socket.IO runs engine.use() middleware before it handles a WebSocket upgrade, and before allowRequest', async () => {
    seen.length = 0;
    const app = await appWith(MiddlewareIoAdapter);
    const { port } = (
      app.getHttpServer() as HttpServer
    ).address() as AddressInfo;
    const socket = io(`http://127.0.0.1:${port}`, {
      path: '/events',
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.on('connect', resolve);
        socket.on('connect_error', reject);
      });
      expect(seen).toEqual(['middleware websocket', 'allowRequest websocket']);
    } finally {
      socket.close();
      await app.close();
    }
  });
});
