import { jest } from '@jest/globals';
import { createRequire } from 'node:module';

/**
 * Lets Jest load `@fastify/static`, which `@nestjs/serve-static` and `@nestjs/swagger` use on
 * Fastify. It is CommonJS and requires `content-disposition` 3, which is ESM only: Node loads
 * that (`require(esm)`, from 20.19), but Jest's CommonJS loader does so only from Node 24.9, so
 * under Jest on older Nodes `@fastify/static` fails to load and Nest exits. There, its
 * `content-disposition` is swapped for version 2 (CommonJS, the same `create`/`parse` API,
 * which `@fastify/static` uses only for `reply.download()`). Everything else is the real
 * package.
 */
export function letJestLoadFastifyStatic(): void {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major > 24 || (major === 24 && minor >= 9)) return;
  const require = createRequire(import.meta.url);
  const fromFastifyStatic = createRequire(require.resolve('@fastify/static'));
  const nested = fromFastifyStatic.resolve('content-disposition');
  if (nested === require.resolve('content-disposition')) return;
  jest.doMock(nested, () => jest.requireActual('content-disposition'));
}
