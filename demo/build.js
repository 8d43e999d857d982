// Builds what the demo runs, only when it is missing or older than its sources:
// the library (dist/, which the demo imports as 'nestjs-cors-policy') and the demo (demo/dist/).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules/typescript/lib/tsc.js');

/** Modification time of a file under the repository, or -1 when it does not exist. */
function mtime(path, base = root) {
  return statSync(join(base, path), { throwIfNoEntry: false })?.mtimeMs ?? -1;
}

/**
 * Newest modification time among `paths`, directories searched recursively.
 * @param {string[]} paths
 * @param {(path: string) => boolean} [skip]
 */
function newest(paths, skip = () => false) {
  let time = -1;
  for (const path of paths) {
    if (skip(path)) continue;
    const stat = statSync(join(root, path), { throwIfNoEntry: false });
    if (!stat) continue;
    time = Math.max(
      time,
      stat.isDirectory()
        ? newest(
            readdirSync(join(root, path)).map((name) => join(path, name)),
            skip,
          )
        : stat.mtimeMs,
    );
  }
  return time;
}

function compile(project, log) {
  log(`Building ${project}…`);
  const result = spawnSync(process.execPath, [tsc, '-p', project], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    throw new Error(`tsc -p ${project} failed (exit code ${result.status})`);
  }
}

const LOCK = join(root, 'node_modules/.cache/nestjs-cors-policy-demo.lock');

/**
 * Runs `build` holding a lock directory, so that processes starting together (the browser
 * test files run in parallel) do not compile into the same files at once.
 */
function withLock(build) {
  mkdirSync(dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST')
        throw error;
      // A lock left by a killed process: older than any build takes.
      if (Date.now() - mtime(LOCK, '') > 120_000)
        rmSync(LOCK, { force: true, recursive: true });
      if (Date.now() > deadline)
        throw new Error(`${LOCK} is held: remove it if no build runs`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    build();
  } finally {
    rmSync(LOCK, { force: true, recursive: true });
  }
}

/** Builds the library and the demo if needed; throws if tsc reports errors. */
export function ensureBuilt({ log = console.log } = {}) {
  const library = ['src', 'tsconfig.json', 'tsconfig.build.json'];
  const demo = ['demo/src', 'demo/tsconfig.json', 'dist/index.d.ts'];
  const libraryStale = () =>
    mtime('dist/index.js') < newest(library, (p) => p.endsWith('.spec.ts'));
  const demoStale = () => mtime('demo/dist/main.js') < newest(demo);
  if (!libraryStale() && !demoStale()) return;
  withLock(() => {
    // Checked again: another process may have built while this one waited.
    if (libraryStale()) compile('tsconfig.build.json', log);
    if (demoStale()) compile('demo/tsconfig.json', log);
  });
}
