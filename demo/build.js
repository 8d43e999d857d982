// Builds what the demo runs, only when it is missing or older than its sources:
// the library (dist/, which the demo imports as 'nestjs-cors-policy') and the demo (demo/dist/).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules/typescript/lib/tsc.js');

/** Modification time of a file, or -1 when it does not exist. */
function mtime(path) {
  try {
    return statSync(join(root, path)).mtimeMs;
  } catch {
    return -1;
  }
}

/** Newest modification time among `paths`, directories searched recursively. */
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

/** Builds the library and the demo if needed; throws if tsc reports errors. */
export function ensureBuilt({ log = console.log } = {}) {
  const library = ['src', 'tsconfig.json', 'tsconfig.build.json'];
  if (mtime('dist/index.js') < newest(library, (p) => p.endsWith('.spec.ts'))) {
    compile('tsconfig.build.json', log);
  }
  const demo = ['demo/src', 'demo/tsconfig.json', 'dist/index.d.ts'];
  if (mtime('demo/dist/main.js') < newest(demo)) {
    compile('demo/tsconfig.json', log);
  }
}
