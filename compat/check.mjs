#!/usr/bin/env node
/**
 * Compatibility check of the packed library, as users install it.
 *
 * Packs the library, installs the tarball from a temporary folder into four small apps
 * (npm registry for everything else) and talks to each over real HTTP:
 *   a. CommonJS, Nest 11 + Express (require() of the ESM library, Node >= 20.19)
 *   b. ESM, Nest 12 + Express
 *   c. ESM, Nest 12 + Fastify
 *   d. the README quick start (compat/quick-start/src, TypeScript, Nest 12 + Express)
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
      const { port } = server.address();
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
 * It prints `exports <names>` (what the library exports, as this app loads it) and
 * `listening <port>`.
 */
function appSource({ esm, fastify }) {
  const imports = esm
    ? `import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
${fastify ? "import { FastifyAdapter } from '@nestjs/platform-fastify';\n" : ''}import * as cors from 'nestjs-cors-policy';
`
    : `'use strict';
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
${fastify ? "const { FastifyAdapter } = require('@nestjs/platform-fastify');\n" : ''}const cors = require('nestjs-cors-policy');
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
  console.log('exports ' + Object.keys(cors).sort().join(','));
  console.log('listening ' + app.getHttpServer().address().port);
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;
}

const nest = (major, platform) => ({
  '@nestjs/common': `^${major}`,
  '@nestjs/core': `^${major}`,
  [`@nestjs/platform-${platform}`]: `^${major}`,
  'reflect-metadata': '^0.2',
  rxjs: '^7',
});

const APPS = [
  {
    name: 'a-cjs-nest11-express',
    type: 'commonjs',
    dependencies: nest(11, 'express'),
    files: { 'main.js': appSource({ esm: false, fastify: false }) },
    entry: 'main.js',
    checks: APP_CHECKS,
  },
  {
    name: 'b-esm-nest12-express',
    type: 'module',
    dependencies: nest(12, 'express'),
    files: { 'main.mjs': appSource({ esm: true, fastify: false }) },
    entry: 'main.mjs',
    checks: APP_CHECKS,
  },
  {
    name: 'c-esm-nest12-fastify',
    type: 'module',
    dependencies: nest(12, 'fastify'),
    files: { 'main.mjs': appSource({ esm: true, fastify: true }) },
    entry: 'main.mjs',
    checks: APP_CHECKS,
  },
  {
    name: 'd-readme-quick-start',
    type: 'module',
    dependencies: nest(12, 'express'),
    devDependencies: { typescript: '^6', '@types/node': '^20' },
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
    .readdirSync(path.join(root, 'src'), { recursive: true })
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
  if (app.typescript)
    record(
      'README.md quick start shows these files verbatim',
      readmeMismatch(),
    );
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
      const { output } = await run(
        'npx',
        ['tsc', '--noEmit', '--skipLibCheck', 'false'],
        dir,
      );
      const ours = output
        .split('\n')
        .filter((line) => line.includes('nestjs-cors-policy/'));
      record(
        'library .d.ts type-check with skipLibCheck: false',
        ours.length ? new Error(ours.join('\n')) : undefined,
      );
      await runOrThrow('tsc', 'npx', ['tsc'], dir);
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
    if (app.typescript && !lines.some(({ line }) => line.includes('.d.ts')))
      record('library .d.ts type-check with skipLibCheck: false', notRun);
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
      (line) => /warn|error/i.test(line) && !/^exports |^listening /.test(line),
    );
  record(
    'no warnings or errors printed',
    warnings.length ? new Error(warnings.join('\n')) : undefined,
  );
  return {
    lines,
    exports: /^exports (.*)$/m.exec(server.stdout)?.[1],
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
  for (const [index, promise] of pending.entries()) {
    const outcome = await promise;
    if (index === 0) {
      // App a loaded the library with require(), app b with import: the same API.
      const cjs = outcome.exports;
      const esm = (await pending[1]).exports;
      const missing = API_NAMES.filter(
        (name) => !(cjs ?? '').split(',').includes(name),
      );
      outcome.lines.push({
        ok: cjs !== undefined && cjs === esm && !missing.length,
        line: `${APPS[0].name}  require('nestjs-cors-policy') exports the names import() does (${cjs})`,
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
  console.log(`FAIL  compat  ${error.message}`);
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
