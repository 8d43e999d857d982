import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Each function of src/nest/internals has its canaries here: a `describe` named after it, in
 * the spec named after its file.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const INTERNALS = path.join(here, '../../src/nest/internals');

/** The functions each file of src/nest/internals exports, by file name without `.ts`. */
function exported(): Array<[string, string[]]> {
  return fs
    .readdirSync(INTERNALS)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .sort()
    .map((file) => [
      file.slice(0, -'.ts'.length),
      [
        ...fs
          .readFileSync(path.join(INTERNALS, file), 'utf8')
          .matchAll(/^export function (\w+)/gm),
      ].map(([, name]) => name!),
    ]);
}

/** The names the `describe` blocks of a spec start with. */
function described(spec: string): Set<string> {
  const file = path.join(here, `${spec}.spec.ts`);
  if (!fs.existsSync(file)) return new Set();
  const text = fs.readFileSync(file, 'utf8');
  return new Set(
    [...text.matchAll(/describe(?:\.each\([^)]*\))?\(\s*['"`](\w+)/g)].map(
      ([, name]) => name!,
    ),
  );
}

describe('the canaries of the framework internals', () => {
  it.each(exported())(
    'test/internals/%s.spec.ts has a describe for each function of its file',
    (file, functions) => {
      const names = described(file);
      expect(functions.filter((name) => !names.has(name))).toEqual([]);
      expect(functions.length).toBeGreaterThan(0);
    },
  );
});
