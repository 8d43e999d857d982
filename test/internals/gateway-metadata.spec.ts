import { describe, expect, it } from '@jest/globals';
import type { INestApplication, Type } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { WebSocketGateway } from '@nestjs/websockets';
import {
  GATEWAY_METADATA,
  GATEWAY_OPTIONS,
  PORT_METADATA,
} from '@nestjs/websockets/constants.js';
import {
  gatewayAddressOf,
  gatewayServerKey,
} from '../../src/nest/internals/gateway-metadata.js';
import { freePort } from '../support/free-port.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';

/*
 * Canaries of src/nest/internals/gateway-metadata.ts: where @WebSocketGateway() keeps its
 * port and options, and which servers Nest creates for gateways through the WebSocket
 * adapter. Nest 12 only: the @nestjs/websockets major this project tests with requires it
 * (compat/nest11.mjs leaves this file out).
 */

describe('gatewayAddressOf', () => {
  it('@WebSocketGateway(port, options) keeps them under the keys of @nestjs/websockets, which Nest reads', () => {
    const options = {
      path: '/chat',
      namespace: 'rooms',
      transports: ['websocket'],
    };
    @WebSocketGateway(3001, options)
    class PortGateway {}
    expect([GATEWAY_METADATA, PORT_METADATA, GATEWAY_OPTIONS]).toEqual([
      'websockets:is_gateway',
      'port',
      'websockets:gateway_options',
    ]);
    expect(Reflect.getMetadata('websockets:is_gateway', PortGateway)).toBe(
      true,
    );
    expect(Reflect.getMetadata('port', PortGateway)).toBe(3001);
    expect(
      Reflect.getMetadata('websockets:gateway_options', PortGateway),
    ).toEqual(options);
    expect(gatewayAddressOf(PortGateway)).toEqual({
      port: 3001,
      path: '/chat',
      options,
    });
  });

  it('@WebSocketGateway(options) and @WebSocketGateway() serve on port 0, the HTTP server; a class without it is no gateway', () => {
    @WebSocketGateway({ path: '/events' })
    class OptionsGateway {}
    @WebSocketGateway()
    class DefaultGateway {}
    class NoGateway {}
    expect(Reflect.getMetadata('port', OptionsGateway)).toBe(0);
    expect(gatewayAddressOf(OptionsGateway)).toEqual({
      port: 0,
      path: '/events',
      options: { path: '/events' },
    });
    expect(gatewayAddressOf(DefaultGateway)).toEqual({
      port: 0,
      path: undefined,
      options: {},
    });
    expect(
      Reflect.getMetadata('websockets:is_gateway', NoGateway),
    ).toBeUndefined();
    expect(gatewayAddressOf(NoGateway)).toBeUndefined();
  });
});

interface Create {
  port: number;
  options: Record<string, unknown>;
  created: unknown;
}

/** The WebSocket adapter `Base`, recording each `create(port, options)` Nest makes. */
function recording<T extends typeof IoAdapter | typeof WsAdapter>(Base: T) {
  const creates: Create[] = [];
  class Recording extends (Base as typeof IoAdapter) {
    override create(port: number, given?: Parameters<IoAdapter['create']>[1]) {
      const created = super.create(port, given) as unknown;
      const options = given as Record<string, unknown> | undefined;
      creates.push({ port, options: { ...options }, created });
      return created as never;
    }
  }
  return { Adapter: Recording as unknown as T, creates };
}

/** An app serving `gateways` on the adapter `Adapter`, listening. */
async function serving(
  adapter: (typeof ADAPTERS)[number],
  Adapter: typeof IoAdapter | typeof WsAdapter,
  gateways: Type[],
): Promise<INestApplication> {
  return createTestApp({
    adapter,
    providers: gateways,
    configure: (app) => app.useWebSocketAdapter(new Adapter(app)),
    listen: true,
  });
}

describe.each(ADAPTERS)('gatewayServerKey (%s)', (adapter) => {
  it("Nest creates one Socket.IO server per port and path through the adapter's create(port, options), with the gateway's options, and a namespace of it for each namespace", async () => {
    const port = await freePort();
    @WebSocketGateway()
    class DefaultGateway {}
    @WebSocketGateway({ namespace: 'chat' })
    class ChatGateway {}
    @WebSocketGateway({ path: '/events' })
    class EventsGateway {}
    @WebSocketGateway({ path: '/events', namespace: 'rooms' })
    class RoomsGateway {}
    @WebSocketGateway(port, { path: '/own', transports: ['websocket'] })
    class OwnPortGateway {}
    const gateways = [
      DefaultGateway,
      ChatGateway,
      EventsGateway,
      RoomsGateway,
      OwnPortGateway,
    ];
    const { Adapter, creates } = recording(IoAdapter);
    const app = await serving(adapter, Adapter, gateways);
    try {
      const servers = creates.filter(({ options }) => !options.server);
      const expected = gateways.map((gateway) => {
        const address = gatewayAddressOf(gateway)!;
        return gatewayServerKey(address.port, address.path);
      });
      expect(
        servers
          .map(({ port, options }) => gatewayServerKey(port, options.path))
          .sort(),
      ).toEqual([...new Set(expected)].sort());
      // The gateway's options reach create(), but its namespace, made by a call of its own.
      expect(servers.find(({ port: own }) => own === port)?.options).toEqual({
        path: '/own',
        transports: ['websocket'],
      });
      const namespaces = creates.filter(({ options }) => options.server);
      expect(namespaces.map(({ options }) => options.namespace).sort()).toEqual(
        ['/chat', '/rooms'],
      );
      for (const { port: at, options } of namespaces) {
        const server = servers.find(
          (each) =>
            gatewayServerKey(each.port, each.options.path) ===
            gatewayServerKey(at, options.path),
        );
        expect(options.server).toBe(server?.created);
      }
    } finally {
      await app.close();
    }
  });

  it("Nest creates one ws server per port and path through the adapter's create(port, options)", async () => {
    @WebSocketGateway({ path: '/a' })
    class AGateway {}
    @WebSocketGateway({ path: '/a' })
    class ASharedGateway {}
    @WebSocketGateway({ path: '/b' })
    class BGateway {}
    const { Adapter, creates } = recording(WsAdapter);
    const app = await serving(adapter, Adapter, [
      AGateway,
      ASharedGateway,
      BGateway,
    ]);
    try {
      expect(
        creates.map(({ port, options }) =>
          gatewayServerKey(port, options.path),
        ),
      ).toEqual([gatewayServerKey(0, '/a'), gatewayServerKey(0, '/b')]);
    } finally {
      await app.close();
    }
  });
});
