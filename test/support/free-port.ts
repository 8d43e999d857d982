import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback TCP port no server of this process listens on now. */
export function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    }),
  );
}
