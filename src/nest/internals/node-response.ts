import { ServerResponse } from 'node:http';
import { Http2ServerResponse } from 'node:http2';

/** `writeHead(statusCode[, statusMessage][, headers])`, as a response's own method. */
export type WriteHead = (
  this: ServerResponse,
  statusCode: number,
  reason?: unknown,
  headers?: unknown,
) => ServerResponse;

/**
 * Node calls `writeHead()` on the prototypes of `http.ServerResponse` and
 * `http2.Http2ServerResponse` before any response's headers go out, and HTTP/1's
 * `writeHeader()` is a reference to the same function. Makes each of them `hook(original)`;
 * returns what puts Node's own back, unless something has replaced the hook since.
 */
export function hookWriteHead(
  hook: (original: WriteHead) => WriteHead,
): () => void {
  const restores: Array<() => void> = [];
  for (const { prototype } of [ServerResponse, Http2ServerResponse]) {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its response by the hook
    const hooked = hook(prototype.writeHead as WriteHead);
    for (const name of ['writeHead', 'writeHeader']) {
      const own = Object.getOwnPropertyDescriptor(prototype, name);
      if (!own) continue;
      Object.defineProperty(prototype, name, { ...own, value: hooked });
      restores.push(() => {
        if (Object.getOwnPropertyDescriptor(prototype, name)?.value === hooked)
          Object.defineProperty(prototype, name, own);
      });
    }
  }
  return function restoreNodeResponses() {
    for (const restore of restores) restore();
  };
}

/**
 * The process-wide record of a hook, kept on Node's HTTP/1 response prototype under `key`
 * (a `Symbol.for` key): every copy of a package, and every realm of the process (Jest gives
 * each test file one), sees the same prototype.
 */
export function processWide<T extends object>(
  key: symbol,
): {
  get(): T | undefined;
  set(value: T | undefined): void;
} {
  const shared = ServerResponse.prototype as unknown as Record<symbol, T>;
  return {
    get: () => shared[key],
    set: (value) => {
      if (value === undefined) delete shared[key];
      else Object.defineProperty(shared, key, { configurable: true, value });
    },
  };
}
