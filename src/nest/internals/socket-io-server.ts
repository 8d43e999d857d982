import type { IncomingMessage, ServerResponse } from 'node:http';

/** A middleware of `io.engine.use()`: it sees every HTTP request and upgrade of the engine. */
export type EngineMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

interface IoServer {
  engine: { use(middleware: EngineMiddleware): void };
}

/**
 * Nest's `IoAdapter.create()` returns the Socket.IO server, or `{ server }` where it made a
 * namespace of one, and Socket.IO 4.6 and later run `server.engine.use()` middleware before the
 * engine handles each request. Adds `middleware` to the engine of `created`.
 */
export function useEngineMiddleware(
  created: unknown,
  middleware: EngineMiddleware,
): void {
  const server =
    'engine' in (created as object)
      ? (created as IoServer)
      : (created as { server: IoServer }).server;
  server.engine.use(middleware);
}
