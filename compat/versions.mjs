/**
 * The exact versions the compatibility checks install, in one place:
 * - `npm run test:compat` (compat/check.mjs) builds small apps on them around the packed library;
 * - `npm run test:nest11` (compat/nest11.mjs) runs the e2e suite on the Nest 11 set.
 *
 * They are pinned so that a run is reproducible, and a new Nest, adapter or TypeScript is
 * tested because a commit says so: change a version here, run both commands, commit. Each
 * `@nestjs/platform-*` package pins its Express or Fastify exactly, so these also fix the
 * adapters; their own dependencies still resolve within their ranges.
 */

/** Nest 11, the oldest major the peer dependencies accept. */
export const NEST_11 = {
  '@nestjs/common': '11.2.10',
  '@nestjs/core': '11.2.10',
  '@nestjs/platform-express': '11.2.10',
  '@nestjs/platform-fastify': '11.2.8',
  '@nestjs/testing': '11.2.6',
};

/** Nest 12, as the repository's own devDependencies resolve it. */
export const NEST_12 = {
  '@nestjs/common': '12.5.1',
  '@nestjs/core': '12.5.1',
  '@nestjs/platform-express': '12.5.1',
  '@nestjs/platform-fastify': '12.5.0',
  '@nestjs/testing': '12.1.1',
};

/** The other peer dependencies. */
export const PEERS = {
  'reflect-metadata': '0.2.2',
  rxjs: '7.8.2',
};

/** TypeScript for the consumers that compile: the current one, and the Nest 11 starter's. */
export const TYPESCRIPT = '6.0.3';
export const TYPESCRIPT_NEST_11_STARTER = '5.7.3';
/** The oldest TypeScript that compiles a CommonJS app importing the library (module nodenext). */
export const TYPESCRIPT_COMMONJS_MINIMUM = '5.8.3';
export const TYPES_NODE = '20.19.43';
