import type { Type } from '@nestjs/common';

/**
 * What `@WebSocketGateway()` stores, under the keys of `@nestjs/websockets`, which this module
 * does not import: it is an optional peer of Nest apps. Nest's `WebSocketsController` reads
 * the same keys to create each gateway's server.
 */
const GATEWAY_METADATA = 'websockets:is_gateway';
const PORT_METADATA = 'port';
const GATEWAY_OPTIONS = 'websockets:gateway_options';

/** Where a gateway is served, from its `@WebSocketGateway()` arguments. */
export interface GatewayAddress {
  port: number;
  /** The `path` option, as written: Nest shares one server among gateways with the same. */
  path: string | undefined;
  /** The rest of the gateway's options. */
  options: Readonly<Record<string, unknown>>;
}

/**
 * `@WebSocketGateway()` keeps its port and options under the keys of `@nestjs/websockets`:
 * where `metatype` is served, or `undefined` if it is no gateway.
 */
export function gatewayAddressOf(metatype: Type): GatewayAddress | undefined {
  if (Reflect.getMetadata(GATEWAY_METADATA, metatype) !== true) return;
  const options =
    (Reflect.getMetadata(GATEWAY_OPTIONS, metatype) as
      Record<string, unknown> | undefined) ?? {};
  return {
    port: (Reflect.getMetadata(PORT_METADATA, metatype) as number) || 0,
    path: typeof options.path === 'string' ? options.path : undefined,
    options,
  };
}

/**
 * The server a gateway at `port` and `path` shares with the others there: Nest creates one
 * per port and path (Socket.IO namespaces included), and hands its options to the adapter's
 * `create(port, options)`.
 */
export function gatewayServerKey(port: number, path: unknown): string {
  return JSON.stringify([port, typeof path === 'string' ? path : null]);
}
