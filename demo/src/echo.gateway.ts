import {
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';

/**
 * A WebSocket gateway at `ws://<api>/ws`, on the `ws` adapter. It has no `@CorsPolicy()`, so
 * the default policy decides which pages may open it: the playground connects, a page on
 * 127.0.0.1 (the partner origin) is refused.
 */
@WebSocketGateway({ path: '/ws' })
export class EchoGateway {
  /** `{ "event": "echo", "data": … }` comes back as it was sent. */
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return { event: 'echo', data };
  }
}
