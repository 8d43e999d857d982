import { describe, expect, it } from '@jest/globals';
import { type INestApplication } from '@nestjs/common';
import { ServerResponse } from 'node:http';
import { Http2ServerResponse } from 'node:http2';
import { CorsModule } from '../../src/index.js';
import { useResponseHook } from '../../src/nest/adapters/response-hook.js';
import { createTestApp } from '../support/test-app.js';

type Prototype = Record<'writeHead' | 'writeHeader', unknown>;
const HTTP1 = ServerResponse.prototype as unknown as Prototype;
const HTTP2 = Http2ServerResponse.prototype as unknown as Prototype;

/** What Node's response prototypes hold now. */
const current = () => [HTTP1.writeHead, HTTP1.writeHeader, HTTP2.writeHead];

/** Another copy of the package's hook, as a second install or a bundler would load it. */
async function otherCopy(): Promise<typeof useResponseHook> {
  const path = '../../src/nest/adapters/response-hook.js?another-copy';
  return ((await import(path)) as { useResponseHook: typeof useResponseHook })
    .useResponseHook;
}

describe('the response hook, in the process', () => {
  const node = current();

  it("is Node's own functions before any app, and after the last app closes", async () => {
    expect(node.map((f) => (f as () => void).name)).toEqual([
      'writeHead',
      'writeHead',
      'writeHead',
    ]);
    const apps: INestApplication[] = [];
    for (const adapter of ['express', 'fastify'] as const)
      apps.push(
        await createTestApp({
          adapter,
          cors: CorsModule.forRoot({ default: false }),
        }),
      );
    const hooked = current();
    expect(hooked.map((f) => (f as () => void).name)).toEqual([
      'writeHeadWithCors',
      'writeHeadWithCors',
      'writeHeadWithCors',
    ]);
    await apps[0]!.close();
    expect(current()).toEqual(hooked);
    await apps[1]!.close();
    expect(current()).toEqual(node);
  });

  it('is one hook for two loaded copies of the package', async () => {
    const second = await otherCopy();
    expect(second).not.toBe(useResponseHook);
    const stopFirst = useResponseHook();
    const hooked = current();
    const stopSecond = second();
    expect(current()).toEqual(hooked);
    stopFirst();
    stopFirst();
    expect(current()).toEqual(hooked);
    stopSecond();
    expect(current()).toEqual(node);
  });

  it('leaves in place a wrapper put on top of it since', () => {
    const stop = useResponseHook();
    const hooked = HTTP1.writeHead as (...args: unknown[]) => unknown;
    const wrapper = function tracing(this: unknown, ...args: unknown[]) {
      return hooked.apply(this, args);
    };
    HTTP1.writeHead = wrapper;
    stop();
    expect(current()).toEqual([wrapper, node[1], node[2]]);
    HTTP1.writeHead = node[0];
  });
});
