import type { WebSocketAdapter } from '@nestjs/common';

/**
 * A WebSocket adapter class, such as `IoAdapter` or `WsAdapter`, or a subclass of one. The
 * rest parameter of type `any[]` is what TypeScript requires of a class a mixin extends.
 *
 * @publicApi
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WebSocketAdapterClass = new (...args: any[]) => WebSocketAdapter;
