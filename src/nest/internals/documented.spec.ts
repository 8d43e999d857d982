import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const DOCS = path.join(here, '../../../docs/architecture.md');
const HEADING = '## Framework internals';

/**
 * Each function this folder exports, with the first sentence of its comment: what it relies
 * on in the framework, as docs/architecture.md lists it.
 */
function contracts(): string[] {
  return fs
    .readdirSync(here)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .sort()
    .flatMap((file) =>
      [
        ...fs
          .readFileSync(path.join(here, file), 'utf8')
          .matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export function (\w+)/g),
      ].map(([, comment, name]) => {
        const words = comment!
          .split('\n')
          .map((line) => line.replace(/^\s*\*\s?/, '').trim())
          .filter(Boolean)
          .join(' ');
        const sentence = /^.*?\.(?=\s|$)/.exec(words)?.[0] ?? words;
        return `- \`${name}\` (${file}): ${sentence}`;
      }),
    );
}

/** The list under the heading of docs/architecture.md. */
function documented(): string[] {
  const docs = fs.readFileSync(DOCS, 'utf8');
  const start = docs.indexOf(HEADING);
  if (start === -1) return [];
  const section = docs.slice(start + HEADING.length).split(/\n## /)[0]!;
  return section.split('\n').filter((line) => line.startsWith('- `'));
}

describe('the framework internals the module relies on', () => {
  it('are listed in docs/architecture.md as src/nest/internals exports them, each with its contract', () => {
    expect(documented()).toEqual(contracts());
  });
});
