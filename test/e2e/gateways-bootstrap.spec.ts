import {
  Injectable,
  Module,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { CorsModule, CorsPolicy } from '../../src/index.js';
import {
  APP,
  ChatGateway,
  CONNECTED,
  connections,
  corsOptions,
  EchoGateway,
  plainWs,
  socketIo,
  startGateways,
  type Transport,
  TRANSPORTS,
} from '../fixtures/gateways.js';
import { freePort } from '../support/free-port.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';

/*
 * Gateways while the application starts, before their policies are known, and the
 * configurations that fail bootstrap: a policy the adapter cannot apply, gateways sharing a
 * server with different policies, a Socket.IO gateway's own cors option.
 */

describe.each(ADAPTERS)(
  'gateways while the application starts (%s)',
  (adapter) => {
    it.each(Object.keys(TRANSPORTS) as Transport[])(
      'refuses handshakes to a gateway on its own port until its policy is known (%s)',
      async (transport) => {
        connections.length = 0;
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        const handshake = () =>
          transport === 'ws'
            ? plainWs(url, { origin: APP })
            : socketIo(url, 'websocket', { origin: APP });
        @WebSocketGateway(port)
        class OwnPortGateway extends EchoGateway {}
        const early: unknown[] = [];
        /** Its module is imported deeper than CorsModule: Nest initialises it first. */
        @Injectable()
        class EarlyClient implements OnModuleInit {
          async onModuleInit() {
            early.push(await handshake());
          }
        }
        @Module({ providers: [EarlyClient] })
        class DeepModule {}
        @Module({ imports: [DeepModule] })
        class ClientModule {}
        const logger = new RecordingLogger();
        const app = await createTestApp({
          adapter,
          cors: CorsModule.forRoot(corsOptions),
          imports: [ClientModule],
          providers: [OwnPortGateway],
          appOptions: { logger },
          configure: (app) =>
            app.useWebSocketAdapter(new TRANSPORTS[transport].cors(app)),
        });
        try {
          expect(early).toEqual([
            transport === 'ws'
              ? { outcome: 'refused', status: 403 }
              : { outcome: 'refused' },
          ]);
          expect(logger.lines).toContain(
            'debug CORS WebSocket handshake denied: the application has not finished starting, and the policies of its gateways are not known yet',
          );
          expect(await handshake()).toEqual(CONNECTED);
          expect(connections).toEqual(['OwnPortGateway']);
        } finally {
          await app.close();
        }
      },
    );
  },
);

describe.each(ADAPTERS)('gateway configuration errors (%s)', (adapter) => {
  const bootstrap = (
    transport: Transport,
    gateways: Type[],
    options: { plain?: boolean } = {},
  ) =>
    startGateways(adapter, transport, gateways, options).then(({ app }) =>
      app.close(),
    );

  it.each(Object.keys(TRANSPORTS) as Transport[])(
    'fails at bootstrap when a policy cannot be applied (%s)',
    async (transport) => {
      await expect(
        bootstrap(transport, [ChatGateway], { plain: true }),
      ).rejects.toThrow(
        `ChatGateway › adapter: its CORS policy "default" needs the WebSocket adapter of the module`,
      );
      @WebSocketGateway()
      @CorsPolicy(false)
      class SharingGateway extends EchoGateway {}
      await expect(
        bootstrap(transport, [ChatGateway, SharingGateway]),
      ).rejects.toThrow(
        "SharingGateway › policy: it shares its WebSocket server (the application's port) with ChatGateway, governed by a CORS policy, and a handshake reaches every gateway of its server: give SharingGateway a policy too, or its own port or path",
      );
      @WebSocketGateway({ path: '/named' })
      @CorsPolicy('partner')
      class MisnamedGateway extends EchoGateway {}
      await expect(bootstrap(transport, [MisnamedGateway])).rejects.toThrow(
        'MisnamedGateway › policy: no policy is named "partner"; known policies: partners',
      );
    },
  );

  it('fails when a Socket.IO gateway with a policy sets its own cors option, which ws ignores', async () => {
    @WebSocketGateway({ cors: { origin: '*' } })
    class OwnCorsGateway extends EchoGateway {}
    await expect(bootstrap('socket.io', [OwnCorsGateway])).rejects.toThrow(
      `OwnCorsGateway › cors: @WebSocketGateway({ cors }) would answer the Socket.IO handshake's CORS instead of its CORS policy "default": remove the cors option`,
    );
    await expect(bootstrap('ws', [OwnCorsGateway])).resolves.toBeUndefined();
  });

  it.each(Object.keys(TRANSPORTS) as Transport[])(
    'needs the application, with CorsModule (%s)',
    async (transport) => {
      const { cors: Adapter } = TRANSPORTS[transport];
      const name = transport === 'ws' ? 'CorsWsAdapter' : 'CorsIoAdapter';
      expect(() => new Adapter()).toThrow(
        `${name} needs the application, to find its CORS policies: new Adapter(app)`,
      );
      const app = await createTestApp({ init: false });
      expect(() => new Adapter(app)).toThrow(
        `${name} applies the policies of CorsModule, which this application does not import: add CorsModule.forRoot(...) to its imports`,
      );
      await app.close();
    },
  );
});
