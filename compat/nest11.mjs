#!/usr/bin/env node
/**
 * The e2e suite (test/e2e), the differential route specs (test/routes) and the canaries of
 * the framework internals (test/internals) on Nest 11, with Express and Fastify.
 *
 * Installs the Nest 11 packages pinned in compat/versions.mjs into a temporary folder, then
 * runs Jest as `npm test` does, with every `@nestjs/*` import (the library's, the specs', and
 * Nest's own) mapped to those copies. Everything else comes from this checkout: the library's
 * sources and dependencies, the specs, the test tools. Specs of Nest 12-only features register
 * them only where the installed Nest has them (test/support/nest-features.ts), and say so in
 * their titles.
 *
 * Usage: node compat/nest11.mjs [--keep] [jest arguments…]   (--keep leaves the folder in place)
 * Exits with Jest's exit code.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import baseConfig from '../jest.config.js';
import { NEST_11, PEERS } from './versions.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The e2e specs of Nest 12-only features, by the start of their file names. */
const NEST_12_ONLY_SPECS = ['csrf', 'gateways', 'unowned-routes'];
/** The canaries of the WebSocket internals, whose packages require Nest 12 (see below). */
const NEST_12_ONLY_CANARIES = ['gateway-metadata', 'socket-io-server'];
const keep = process.argv.includes('--keep');
const jestArgs = process.argv.slice(2).filter((arg) => arg !== '--keep');

/** Runs a command with inherited output; resolves with its exit code. */
function run(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const tmp = fs.mkdtempSync(
  path.join(os.tmpdir(), 'nestjs-cors-policy-nest11-'),
);
let code = 1;
try {
  fs.writeFileSync(
    path.join(tmp, 'package.json'),
    JSON.stringify(
      { name: 'nest11', private: true, dependencies: { ...NEST_11, ...PEERS } },
      null,
      2,
    ),
  );
  console.log(
    `nest11: installing ${Object.entries(NEST_11)
      .map(([name, version]) => `${name}@${version}`)
      .join(', ')} in ${tmp}`,
  );
  code = await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: tmp },
  );
  if (code === 0) {
    const nest = path.join(tmp, 'node_modules/@nestjs');
    const config = {
      ...baseConfig,
      rootDir: root,
      testMatch: [
        '<rootDir>/test/e2e/**/*.spec.ts',
        '<rootDir>/test/routes/**/*.spec.ts',
        '<rootDir>/test/internals/**/*.spec.ts',
      ],
      // Specs of Nest 12-only features and packages: Nest's CSRF protection (12.1), and the
      // @nestjs/websockets, @nestjs/graphql, @nestjs/swagger and @nestjs/serve-static majors
      // this project tests with, which require Nest 12.
      testPathIgnorePatterns: [
        ...NEST_12_ONLY_SPECS.map((spec) => `<rootDir>/test/e2e/${spec}`),
        ...NEST_12_ONLY_CANARIES.map(
          (spec) => `<rootDir>/test/internals/${spec}`,
        ),
      ],
      moduleNameMapper: {
        ...baseConfig.moduleNameMapper,
        [`^@nestjs/(${Object.keys(NEST_11)
          .map((name) => name.replace('@nestjs/', ''))
          .join('|')})(/.*)?$`]: `${nest}/$1$2`,
      },
    };
    code = await run(
      process.execPath,
      [
        path.join(root, 'node_modules/jest/bin/jest.js'),
        '--config',
        JSON.stringify(config),
        ...jestArgs,
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`,
          CORS_NEST_MAJOR: '11',
        },
      },
    );
  }
} finally {
  if (keep) console.log(`nest11: kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}
process.exitCode = code;
