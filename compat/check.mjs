#!/usr/bin/env node
/**
 * Compatibility check of the packed library, as users install it.
 *
 * Packs the library, installs the tarball from a temporary folder into five small apps
 * (npm registry for everything else, at the versions pinned in compat/versions.mjs) and
 * talks to each over real HTTP:
 *   a. CommonJS, Nest 11 + Express (require() of the ESM library, Node >= 20.19)
 *   b. ESM, Nest 12 + Express
 *   c. ESM, Nest 12 + Fastify
 *   d. the README quick start (compat/quick-start/src, TypeScript, Nest 12 + Express)
 *   e. a Nest 11 starter app: CommonJS, the starter's tsconfig (module nodenext), the
 *      quick start's module, on the oldest TypeScript the README supports for it; and
 *      TypeScript 5.7 refusing it (TS1479) unless compiled as the README says
 *
 * Usage: node compat/check.mjs [--keep]   (--keep leaves the temporary folder in place)
 * Prints one line per app per check, then `compat: N passed, M failed`; exits 1 on any failure.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  NEST_11,
  NEST_12,
  PEERS,
  TYPES_NODE,
  TYPESCRIPT,
  TYPESCRIPT_COMMONJS_MINIMUM,
  TYPESCRIPT_NEST_11_STARTER,
} from './versions.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const started = Date.now();

const APP_ORIGIN = 'http://localhost:5173';
const PARTNER_ORIGIN = 'https://partner.example.com';
const EVIL_ORIGIN = 'https://evil.example.com';
const API_NAMES = [
  'CorsConfigurationError',
  'CorsModule',
  'CorsPolicy',
  'CorsService',
];

let tmp;
const children = new Set();
const killChildren = () => {
  for (const child of children) child.kill('SIGKILL');
};
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killChildren();
    if (tmp && !keep) fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  });
}

// ---------------------------------------------------------------- processes

/** Runs a command to its end; resolves with its exit code and output, never rejects. */
function run(command, args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: process.env });
    children.add(child);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => (output += String(error)));
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, output });
    });
  });
}

async function runOrThrow(what, command, args, cwd) {
  const { code, output } = await run(command, args, cwd);
  if (code !== 0) throw new Error(`${what} failed (${code}):\n${output}`);
  return output;
}

/** A free loopback port, for the app that takes its port from PORT. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node <entry>` and resolves once the app answers HTTP: when it prints
 * `listening <port>`, or, given a port, once a request to that port gets any answer.
 */
function startServer(cwd, entry, port) {
  const child = spawn(process.execPath, [entry], {
    cwd,
    env: { ...process.env, PORT: String(port ?? 0), NO_COLOR: '1' },
  });
  children.add(child);
  const server = {
    child,
    output: '',
    stdout: '',
    exited: false,
    async stop() {
      if (server.exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    },
  };
  child.stdout.on('data', (chunk) => {
    server.output += chunk;
    server.stdout += chunk;
  });
  child.stderr.on('data', (chunk) => (server.output += chunk));
  child.on('exit', () => {
    server.exited = true;
    children.delete(child);
  });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const poll = async () => {
      if (server.exited)
        return reject(new Error(`the app exited:\n${server.output}`));
      if (Date.now() > deadline) {
        await server.stop();
        return reject(new Error(`the app did not start:\n${server.output}`));
      }
      const printed = /^listening (\d+)$/m.exec(server.stdout)?.[1];
      const target = port ?? (printed && Number(printed));
      if (target) {
        const base = `http://127.0.0.1:${target}`;
        const ready = await fetch(base).then(
          (res) => res.arrayBuffer().then(() => true),
          () => false,
        );
        if (ready) return resolve(Object.assign(server, { base }));
      }
      setTimeout(poll, 100);
    };
    poll();
  });
}

// ---------------------------------------------------------------- HTTP checks

async function request(base, method, url, headers) {
  const res = await fetch(base + url, {
    method,
    headers,
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.text();
  return { status: res.status, headers: res.headers, body };
}

const preflight = (base, url, origin, method, requestHeaders) =>
  request(base, 'OPTIONS', url, {
    Origin: origin,
    'Access-Control-Request-Method': method,
    ...(requestHeaders
      ? { 'Access-Control-Request-Headers': requestHeaders }
      : {}),
  });

const get = (base, url, origin) =>
  request(base, 'GET', url, { Origin: origin });

function expectStatus(res, status) {
  if (res.status !== status)
    throw new Error(`status ${res.status}, expected ${status}`);
}

/** `expected` maps header names to their exact value, or to null for "absent". */
function expectHeaders(res, expected) {
  const wrong = Object.entries(expected)
    .map(([name, value]) => [name, value, res.headers.get(name)])
    .filter(([, value, actual]) => value !== actual)
    .map(
      ([name, value, actual]) =>
        `${name}: ${actual === null ? '(absent)' : JSON.stringify(actual)}, expected ${value === null ? '(absent)' : JSON.stringify(value)}`,
    );
  if (wrong.length) throw new Error(wrong.join('; '));
}

function expectVaryOrigin(res) {
  const tokens = (res.headers.get('vary') ?? '')
    .split(',')
    .map((token) => token.trim().toLowerCase());
  if (!tokens.includes('origin'))
    throw new Error(
      `Vary: ${JSON.stringify(res.headers.get('vary'))}, expected it to list Origin`,
    );
}

const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

/** The checks of apps a, b and c, which share one controller and one configuration. */
const APP_CHECKS = [
  [
    'preflight from the allowed origin: 204, ACAO, credentials, methods',
    async (base) => {
      const res = await preflight(base, '/api/hello', APP_ORIGIN, 'PUT');
      expectStatus(res, 204);
      expectHeaders(res, {
        'access-control-allow-origin': APP_ORIGIN,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': DEFAULT_METHODS,
      });
    },
  ],
  [
    'preflight from a denied origin: 403, no ACAO',
    async (base) => {
      const res = await preflight(base, '/api/hello', EVIL_ORIGIN, 'PUT');
      expectStatus(res, 403);
      expectHeaders(res, {
        'access-control-allow-origin': null,
        'access-control-allow-credentials': null,
        'access-control-allow-methods': null,
      });
    },
  ],
  [
    'GET from the allowed origin: 200, ACAO, credentials, Vary: Origin',
    async (base) => {
      const res = await get(base, '/api/hello', APP_ORIGIN);
      expectStatus(res, 200);
      expectHeaders(res, {
        'access-control-allow-origin': APP_ORIGIN,
        'access-control-allow-credentials': 'true',
      });
      expectVaryOrigin(res);
      if (JSON.parse(res.body).hello !== 'world')
        throw new Error(`body ${res.body}`);
    },
  ],
  [
    'GET from a denied origin: 200, no ACAO, Vary: Origin',
    async (base) => {
      const res = await get(base, '/api/hello', EVIL_ORIGIN);
      expectStatus(res, 200);
      expectHeaders(res, { 'access-control-allow-origin': null });
      expectVaryOrigin(res);
    },
  ],
  [
    '404 from the allowed origin: ACAO (default policy)',
    async (base) => {
      const res = await get(base, '/api/no-such-route', APP_ORIGIN);
      expectStatus(res, 404);
      expectHeaders(res, {
        'access-control-allow-origin': APP_ORIGIN,
        'access-control-allow-credentials': 'true',
      });
    },
  ],
  [
    "@CorsPolicy('partners') preflight: partner origin 204, app origin 403",
    async (base) => {
      const ok = await preflight(
        base,
        '/api/partners',
        PARTNER_ORIGIN,
        'GET',
        'x-partner-key',
      );
      expectStatus(ok, 204);
      expectHeaders(ok, {
        'access-control-allow-origin': PARTNER_ORIGIN,
        'access-control-allow-credentials': null,
        'access-control-allow-methods': 'GET,PUT',
        'access-control-allow-headers': 'X-Partner-Key',
        'access-control-max-age': '600',
      });
      const denied = await preflight(base, '/api/partners', APP_ORIGIN, 'GET');
      expectStatus(denied, 403);
      expectHeaders(denied, { 'access-control-allow-origin': null });
    },
  ],
  [
    "@CorsPolicy('partners') GET: partner origin ACAO, app origin none",
    async (base) => {
      const ok = await get(base, '/api/partners', PARTNER_ORIGIN);
      expectStatus(ok, 200);
      expectHeaders(ok, {
        'access-control-allow-origin': PARTNER_ORIGIN,
        'access-control-allow-credentials': null,
      });
      expectVaryOrigin(ok);
      const other = await get(base, '/api/partners', APP_ORIGIN);
      expectStatus(other, 200);
      expectHeaders(other, { 'access-control-allow-origin': null });
    },
  ],
  [
    '@CorsPolicy(false) GET from the allowed origin: 200, no CORS headers',
    async (base) => {
      const res = await get(base, '/api/internal', APP_ORIGIN);
      expectStatus(res, 200);
      expectHeaders(res, {
        'access-control-allow-origin': null,
        'access-control-allow-credentials': null,
      });
    },
  ],
];

const QUICK_START_CHECKS = [
  [
    `preflight /api/hello-world from ${APP_ORIGIN}: 204, ACAO, methods`,
    async (base) => {
      const res = await preflight(
        base,
        '/api/hello-world',
        APP_ORIGIN,
        'PUT',
        'content-type',
      );
      expectStatus(res, 204);
      expectHeaders(res, {
        'access-control-allow-origin': APP_ORIGIN,
        'access-control-allow-credentials': null,
        'access-control-allow-methods': DEFAULT_METHODS,
        'access-control-allow-headers': 'content-type',
      });
    },
  ],
  [
    `GET /api/hello-world from ${APP_ORIGIN}: 200, ACAO, Vary: Origin`,
    async (base) => {
      const res = await get(base, '/api/hello-world', APP_ORIGIN);
      expectStatus(res, 200);
      expectHeaders(res, {
        'access-control-allow-origin': APP_ORIGIN,
        'access-control-allow-credentials': null,
      });
      expectVaryOrigin(res);
      if (JSON.parse(res.body).message !== 'Hello, world!')
        throw new Error(`body ${res.body}`);
    },
  ],
  [
    'GET /api/hello-world from a denied origin: 200, no ACAO',
    async (base) => {
      const res = await get(base, '/api/hello-world', EVIL_ORIGIN);
      expectStatus(res, 200);
      expectHeaders(res, { 'access-control-allow-origin': null });
    },
  ],
];

// ---------------------------------------------------------------- the apps

/**
 * The source of apps a, b and c: plain JavaScript, decorators applied as functions.
 * Once it listens, it checks itself with `nestjs-cors-policy/testing` (a failed expectation
 * stops it), then prints `surface <JSON>` (its CORS surface), `exports <names>` (what the
 * library exports, as this app loads it) and `listening <port>`.
 */
function appSource({ esm, fastify }) {
  const imports = esm
    ? `import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
${fastify ? "import { FastifyAdapter } from '@nestjs/platform-fastify';\n" : ''}import * as cors from 'nestjs-cors-policy';
import * as testing from 'nestjs-cors-policy/testing';
`
    : `'use strict';
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
${fastify ? "const { FastifyAdapter } = require('@nestjs/platform-fastify');\n" : ''}const cors = require('nestjs-cors-policy');
const testing = require('nestjs-cors-policy/testing');
`;
  return `${imports}
const { CorsModule, CorsPolicy } = cors;

class AppController {
  hello() {
    return { hello: 'world' };
  }
  partners() {
    return { partners: true };
  }
  internal() {
    return { internal: true };
  }
}
const method = (name) => [
  AppController.prototype,
  name,
  Object.getOwnPropertyDescriptor(AppController.prototype, name),
];
Get('hello')(...method('hello'));
Get('partners')(...method('partners'));
CorsPolicy('partners')(...method('partners'));
Get('internal')(...method('internal'));
CorsPolicy(false)(...method('internal'));
Controller()(AppController);

class AppModule {}
Module({
  imports: [
    CorsModule.forRoot({
      default: { origin: [${JSON.stringify(APP_ORIGIN)}], credentials: true },
      policies: {
        partners: {
          origin: [${JSON.stringify(PARTNER_ORIGIN)}],
          methods: ['GET', 'PUT'],
          allowedHeaders: ['X-Partner-Key'],
          maxAge: 600,
        },
      },
    }),
  ],
  controllers: [AppController],
})(AppModule);

async function main() {
  const app = await NestFactory.create(AppModule, ${fastify ? 'new FastifyAdapter(), ' : ''}{
    logger: ['error', 'warn'],
  });
  app.setGlobalPrefix('api');
  await app.listen(0, '127.0.0.1');
  await testing.expectCorsRequest(
    app,
    { path: '/api/hello', origin: ${JSON.stringify(APP_ORIGIN)}, credentials: true },
    'readable',
  );
  await testing.expectCorsPreflight(
    app,
    { path: '/api/partners', origin: ${JSON.stringify(APP_ORIGIN)}, method: 'GET' },
    'refused',
  );
  console.log('surface ' + JSON.stringify(testing.corsSurface(app)));
  console.log('exports ' + Object.keys(cors).sort().join(','));
  console.log('listening ' + app.getHttpServer().address().port);
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;
}

/** The pinned Nest packages of `versions` an app on `platform` needs, and the peers. */
const nest = (versions, platform) => ({
  '@nestjs/common': versions['@nestjs/common'],
  '@nestjs/core': versions['@nestjs/core'],
  [`@nestjs/platform-${platform}`]: versions[`@nestjs/platform-${platform}`],
  ...PEERS,
});

/** The tsconfig.json of the Nest 11 starter (`nest new`): CommonJS output, module nodenext. */
const NEST_11_STARTER_TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    resolvePackageJsonExports: true,
    esModuleInterop: true,
    isolatedModules: true,
    declaration: true,
    removeComments: true,
    emitDecoratorMetadata: true,
    experimentalDecorators: true,
    allowSyntheticDefaultImports: true,
    target: 'ES2023',
    sourceMap: true,
    outDir: './dist',
    baseUrl: './',
    incremental: true,
    skipLibCheck: true,
    strictNullChecks: true,
    forceConsistentCasingInFileNames: true,
    noImplicitAny: false,
    strictBindCallApply: false,
    noFallthroughCasesInSwitch: false,
  },
};

/** The starter's main.ts, CommonJS (no top-level await), with the quick start's prefix. */
const NEST_11_STARTER_MAIN = `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api');
  await app.listen(process.env.PORT ?? 3000);
}
void bootstrap();
`;

/** TypeScript 5.7, installed next to the app's own compiler under this name. */
const TS_57 = 'typescript-5.7';

/** Runs `node_modules/<compiler>/bin/tsc` with `args` in `dir`: its exit code and output. */
const tsc = (dir, compiler, args) =>
  run(
    process.execPath,
    [path.join(dir, 'node_modules', compiler, 'bin/tsc'), ...args],
    dir,
  );

/** Checks of app e that compile it with TypeScript 5.7, the Nest 11 starter's. */
const TS_57_CHECKS = [
  [
    `TypeScript ${TYPESCRIPT_NEST_11_STARTER} refuses the starter's import with TS1479, as the README says`,
    async (dir) => {
      const { code, output } = await tsc(dir, TS_57, ['--noEmit']);
      const errors = output.split('\n').filter((line) => /error TS/.test(line));
      const expected = errors.length === 1 && /TS1479/.test(errors[0] ?? '');
      if (code === 0 || !expected || !/nestjs-cors-policy/.test(output))
        throw new Error(`exit code ${code}:\n${output}`);
    },
  ],
  [
    `TypeScript ${TYPESCRIPT_NEST_11_STARTER} compiles it with module commonjs and moduleResolution node10, the README's workaround`,
    async (dir) => {
      const { code, output } = await tsc(dir, TS_57, [
        '-p',
        'tsconfig.node10.json',
      ]);
      if (code !== 0) throw new Error(`exit code ${code}:\n${output}`);
    },
  ],
];

const APPS = [
  {
    name: 'a-cjs-nest11-express',
    type: 'commonjs',
    dependencies: nest(NEST_11, 'express'),
    files: { 'main.js': appSource({ esm: false, fastify: false }) },
    entry: 'main.js',
    checks: APP_CHECKS,
  },
  {
    name: 'b-esm-nest12-express',
    type: 'module',
    dependencies: nest(NEST_12, 'express'),
    files: { 'main.mjs': appSource({ esm: true, fastify: false }) },
    entry: 'main.mjs',
    checks: APP_CHECKS,
  },
  {
    name: 'c-esm-nest12-fastify',
    type: 'module',
    dependencies: nest(NEST_12, 'fastify'),
    files: { 'main.mjs': appSource({ esm: true, fastify: true }) },
    entry: 'main.mjs',
    checks: APP_CHECKS,
  },
  {
    name: 'd-readme-quick-start',
    type: 'module',
    dependencies: nest(NEST_12, 'express'),
    devDependencies: { typescript: TYPESCRIPT, '@types/node': TYPES_NODE },
    files: {
      ...readTree(path.join(root, 'compat/quick-start')),
      'tsconfig.json': JSON.stringify(
        {
          compilerOptions: {
            module: 'nodenext',
            target: 'es2022',
            experimentalDecorators: true,
            emitDecoratorMetadata: true,
            strict: true,
            skipLibCheck: true,
            types: ['node'],
            rootDir: 'src',
            outDir: 'dist',
          },
          include: ['src'],
        },
        null,
        2,
      ),
    },
    entry: 'dist/main.js',
    /** main.ts listens on process.env.PORT ?? 53706; a free port avoids clashes. */
    port: true,
    typescript: true,
    readme: true,
    checks: QUICK_START_CHECKS,
  },
  {
    name: 'e-cjs-nest11-starter',
    type: 'commonjs',
    dependencies: nest(NEST_11, 'express'),
    devDependencies: {
      typescript: TYPESCRIPT_COMMONJS_MINIMUM,
      [TS_57]: `npm:typescript@${TYPESCRIPT_NEST_11_STARTER}`,
      '@types/node': TYPES_NODE,
    },
    files: {
      ...readTree(path.join(root, 'compat/quick-start')),
      'src/main.ts': NEST_11_STARTER_MAIN,
      'tsconfig.json': JSON.stringify(NEST_11_STARTER_TSCONFIG, null, 2),
      'tsconfig.node10.json': JSON.stringify(
        {
          extends: './tsconfig.json',
          compilerOptions: {
            module: 'commonjs',
            moduleResolution: 'node10',
            resolvePackageJsonExports: false,
            noEmit: true,
          },
        },
        null,
        2,
      ),
    },
    entry: 'dist/main.js',
    port: true,
    typescript: true,
    compileChecks: TS_57_CHECKS,
    checks: QUICK_START_CHECKS,
  },
];

/**
 * The README's quick start must show compat/quick-start/src verbatim: each file as
 * "`src/<name>`:" followed by a ```ts block. Returns an error, or undefined.
 */
function readmeMismatch() {
  const readme = path.join(root, 'README.md');
  if (!fs.existsSync(readme)) return new Error('README.md not found');
  const text = fs.readFileSync(readme, 'utf8');
  const wrong = Object.entries(readTree(path.join(root, 'compat/quick-start')))
    .filter(([file, source]) => {
      const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const block = new RegExp(
        `\`${escaped}\`:\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\``,
      ).exec(text)?.[1];
      return block?.trim() !== source.trim();
    })
    .map(([file]) => file);
  return wrong.length
    ? new Error(
        `README.md does not show ${wrong.join(', ')} as in compat/quick-start (a \`${wrong[0]}\`: line, then a \`\`\`ts block)`,
      )
    : undefined;
}

function readTree(dir, prefix = '') {
  const files = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory())
      Object.assign(files, readTree(path.join(dir, entry.name), relative));
    else files[relative] = fs.readFileSync(path.join(dir, entry.name), 'utf8');
  }
  return files;
}

// ---------------------------------------------------------------- the run

/** Builds dist/ when it is missing or older than a source file. */
function ensureBuilt() {
  const built = path.join(root, 'dist/index.js');
  const sources = fs
    .readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .map((file) => fs.statSync(path.join(root, 'src', file)).mtimeMs);
  if (
    fs.existsSync(built) &&
    fs.statSync(built).mtimeMs >= Math.max(...sources)
  )
    return;
  console.log('compat: building dist/ (npx tsc -p tsconfig.build.json)');
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}

ensureBuilt();
tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nestjs-cors-policy-compat-'));
const results = [];

/** Installs, builds, boots and checks one app; resolves with its result lines. */
async function checkApp(app, tarball) {
  const lines = [];
  const record = (check, error) =>
    lines.push({ ok: !error, line: `${app.name}  ${check}`, error });
  const dir = path.join(tmp, app.name);
  let server;
  if (app.readme)
    record(
      'README.md quick start shows these files verbatim',
      readmeMismatch(),
    );
  const compileChecks = app.compileChecks ?? [];
  try {
    fs.mkdirSync(dir);
    const manifest = {
      name: app.name,
      private: true,
      type: app.type,
      dependencies: {
        ...app.dependencies,
        'nestjs-cors-policy': `file:../${tarball}`,
      },
      devDependencies: app.devDependencies,
    };
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify(manifest, null, 2),
    );
    for (const [file, text] of Object.entries(app.files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    await runOrThrow(
      'npm install',
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error'],
      dir,
    );
    if (app.typescript) {
      // The library's declarations must type-check in a strict consumer even without
      // skipLibCheck; other packages' declarations are not this check's business.
      const { output } = await tsc(dir, 'typescript', [
        '--noEmit',
        '--skipLibCheck',
        'false',
      ]);
      const ours = output
        .split('\n')
        .filter((line) => line.includes('nestjs-cors-policy/'));
      record(
        'library .d.ts type-check with skipLibCheck: false',
        ours.length ? new Error(ours.join('\n')) : undefined,
      );
      for (const [check, fn] of compileChecks) {
        try {
          await fn(dir);
          record(check);
        } catch (error) {
          record(check, error);
        }
      }
      const build = await tsc(dir, 'typescript', []);
      if (build.code !== 0)
        throw new Error(`tsc failed (${build.code}):\n${build.output}`);
    }
    server = await startServer(
      dir,
      app.entry,
      app.port ? await freePort() : undefined,
    );
    record(`installs, builds and boots (${versions(dir)})`);
  } catch (error) {
    record('installs, builds and boots', error);
    const notRun = new Error('not run: the app did not start');
    if (app.typescript && !lines.some(({ line }) => line.includes('.d.ts'))) {
      record('library .d.ts type-check with skipLibCheck: false', notRun);
      for (const [check] of compileChecks) record(check, notRun);
    }
    for (const [check] of app.checks) record(check, notRun);
    record('no warnings or errors printed', notRun);
    return { lines };
  }
  try {
    for (const [check, fn] of app.checks) {
      try {
        await fn(server.base);
        record(check);
      } catch (error) {
        record(check, error);
      }
    }
  } finally {
    await server.stop();
  }
  const warnings = server.output
    .split('\n')
    .filter(
      (line) =>
        /warn|error/i.test(line) &&
        !/^surface |^exports |^listening /.test(line),
    );
  record(
    'no warnings or errors printed',
    warnings.length ? new Error(warnings.join('\n')) : undefined,
  );
  return {
    lines,
    exports: /^exports (.*)$/m.exec(server.stdout)?.[1],
    surface: /^surface (.*)$/m.exec(server.stdout)?.[1],
  };
}

function versions(dir) {
  const version = (name) => {
    try {
      const file = path.join(dir, 'node_modules', name, 'package.json');
      return `${name.replace('@nestjs/', '')}@${JSON.parse(fs.readFileSync(file, 'utf8')).version}`;
    } catch {
      return undefined;
    }
  };
  return [
    '@nestjs/core',
    '@nestjs/platform-express',
    '@nestjs/platform-fastify',
    'typescript',
  ]
    .map(version)
    .filter(Boolean)
    .join(', ');
}

try {
  const packed = JSON.parse(
    await runOrThrow(
      'npm pack',
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp],
      root,
    ),
  );
  const tarball = packed[0].filename;
  console.log(
    `compat: packed ${tarball} (${packed[0].entryCount} files), node ${process.version}, in ${tmp}`,
  );
  // Every app installs, builds and boots in parallel; lines print in a fixed order.
  const pending = APPS.map((app) => checkApp(app, tarball));
  const [cjsApp, esmApp, fastifyApp] = pending;
  for (const [index, promise] of pending.entries()) {
    const outcome = await promise;
    if (promise === cjsApp) {
      // Apps a, b and c are one app, on CommonJS and ESM, Express and Fastify: one surface.
      const surfaces = [outcome, await esmApp, await fastifyApp].map(
        (app) => app?.surface,
      );
      outcome.lines.push({
        ok:
          surfaces[0] !== undefined &&
          surfaces.every((surface) => surface === surfaces[0]),
        line: `${APPS[index]?.name}  nestjs-cors-policy/testing: corsSurface() is the same in apps a, b and c`,
        error: new Error(
          surfaces.map((surface) => surface ?? '(not printed)').join('\n'),
        ),
      });
      // App a loaded the library with require(), app b with import: the same API.
      const cjs = outcome.exports;
      const esm = (await esmApp)?.exports;
      const missing = API_NAMES.filter(
        (name) => !(cjs ?? '').split(',').includes(name),
      );
      outcome.lines.push({
        ok: cjs !== undefined && cjs === esm && !missing.length,
        line: `${APPS[index]?.name}  require('nestjs-cors-policy') exports the names import() does (${cjs})`,
        error: new Error(
          `require(): ${cjs ?? '(not printed)'}; import(): ${esm ?? '(not printed)'}${missing.length ? `; missing ${missing.join(',')}` : ''}`,
        ),
      });
    }
    for (const { ok, line, error } of outcome.lines) {
      results.push(ok);
      console.log(`${ok ? 'ok  ' : 'FAIL'}  ${line}`);
      if (!ok)
        console.log(
          String(error?.message ?? error)
            .trim()
            .split('\n')
            .slice(0, 40)
            .map((text) => `        ${text}`)
            .join('\n'),
        );
    }
  }
} catch (error) {
  console.log(
    `FAIL  compat  ${error instanceof Error ? error.message : String(error)}`,
  );
  results.push(false);
} finally {
  killChildren();
  if (keep) console.log(`compat: kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}

const passed = results.filter(Boolean).length;
const failed = results.length - passed;
console.log(`compat: ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`compat: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
