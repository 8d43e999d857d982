/**
 * The package as npm sees it: declared dependencies match what src imports, the
 * declarations reference Nest only through its package roots, the exports map resolves
 * for import and require alike, and the tarball holds only what users need.
 *
 * Builds dist/ itself (tsc, ~10 s), so it passes on a fresh clone.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(
  fs.readFileSync(path.join(root, 'package.json'), 'utf8'),
) as {
  name: string;
  exports: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const dependencies = Object.keys(manifest.dependencies ?? {});
const peerDependencies = Object.keys(manifest.peerDependencies ?? {});
const API_NAMES = [
  'CorsConfigurationError',
  'CorsModule',
  'CorsPolicy',
  'CorsService',
];
const TESTING_NAMES = [
  'corsSurface',
  'expectCorsPreflight',
  'expectCorsRequest',
];

/** Child processes run without Jest's NODE_OPTIONS (--experimental-vm-modules). */
const env = { ...process.env, NODE_OPTIONS: '' };
function exec(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, {
      cwd: root,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`,
    );
  }
}

/** Files under `dir` (relative to the repo root) whose names end with `suffix`. */
function filesUnder(dir: string, suffix: string): string[] {
  return (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[])
    .filter((file) => file.endsWith(suffix))
    .map((file) => path.join(dir, file));
}

/** Every module specifier of a file: imports, re-exports, `import type`, `import()`. */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((imported) => imported.fileName);
}

/** The package a bare specifier names (`@scope/name/deep` → `@scope/name`), else undefined. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  if (specifier.startsWith('node:') || isBuiltin(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** package name → the files that import it. */
function importedPackages(files: string[]): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  for (const file of files)
    for (const specifier of specifiers(file)) {
      const name = packageOf(specifier);
      if (name) packages.set(name, [...(packages.get(name) ?? []), file]);
    }
  return packages;
}

const sources = filesUnder('src', '.ts').filter(
  (file) => !file.endsWith('.spec.ts'),
);

describe('package manifest', () => {
  beforeAll(() => {
    exec('npx', ['tsc', '-p', 'tsconfig.build.json']);
  }, 120_000);

  it('lists every package src imports in dependencies or peerDependencies', () => {
    const declared = new Set([...dependencies, ...peerDependencies]);
    const undeclared = [...importedPackages(sources)]
      .filter(([name]) => !declared.has(name))
      .map(([name, files]) => `${name} (imported by ${files.join(', ')})`);
    expect(undeclared).toEqual([]);
  });

  it('imports every dependency somewhere in src', () => {
    const imported = importedPackages(sources);
    expect(dependencies.filter((name) => !imported.has(name))).toEqual([]);
  });

  it('references Nest only through @nestjs/common and @nestjs/core in dist/**/*.d.ts', () => {
    const declarations = filesUnder('dist', '.d.ts');
    expect(declarations).toContain(path.join('dist', 'index.d.ts'));
    const deep = declarations.flatMap((file) =>
      specifiers(file)
        .filter(
          (specifier) =>
            specifier.startsWith('@nestjs/') &&
            specifier !== '@nestjs/common' &&
            specifier !== '@nestjs/core',
        )
        .map((specifier) => `${file}: ${specifier}`),
    );
    expect(deep).toEqual([]);
  });

  it('references in dist/**/*.d.ts only packages whose types a consumer has', () => {
    // A dependency typed by a devDependency `@types/x` would leave consumers without types.
    const typedByDevDependency = (name: string) =>
      `@types/${name.replace(/^@/, '').replace('/', '__')}` in
      (manifest.devDependencies ?? {});
    const peers = new Set(peerDependencies);
    const wrong = [...importedPackages(filesUnder('dist', '.d.ts'))]
      .filter(
        ([name]) =>
          !peers.has(name) &&
          (!dependencies.includes(name) || typedByDevDependency(name)),
      )
      .map(([name, files]) => `${name} (in ${files.join(', ')})`);
    expect(wrong).toEqual([]);
  });

  it('puts `types` first in every exports condition, and every target exists', () => {
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      const conditions =
        typeof target === 'string' ? { default: target } : target;
      if ('types' in conditions)
        expect([subpath, Object.keys(conditions)[0]]).toEqual([
          subpath,
          'types',
        ]);
      for (const file of Object.values(conditions))
        expect([subpath, fs.existsSync(path.join(root, file))]).toEqual([
          subpath,
          true,
        ]);
    }
  });

  it.each([
    ['', API_NAMES],
    ['/testing', TESTING_NAMES],
  ])(
    'resolves the same API through import and require (%s)',
    (subpath, names) => {
      const specifier = `${manifest.name}${subpath}`;
      const imported = exec('node', [
        '--input-type=module',
        '-e',
        `import('${specifier}').then((m) => console.log(Object.keys(m).sort().join(',')))`,
      ]).trim();
      const required = exec('node', [
        '-e',
        `console.log(Object.keys(require('${specifier}')).sort().join(','))`,
      ]).trim();
      expect(required).toBe(imported);
      expect(imported.split(',')).toEqual(expect.arrayContaining(names));
    },
    30_000,
  );

  it('packs only package.json, README, LICENSE and dist/, without specs', () => {
    const [pack] = JSON.parse(
      exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']),
    ) as [{ files: { path: string }[] }];
    const files = pack.files.map((file) => file.path);
    const unexpected = files.filter(
      (file) =>
        !/^(package\.json|README\.md|LICENSE(\.md|\.txt)?)$/.test(file) &&
        !file.startsWith('dist/'),
    );
    const forbidden = files.filter((file) =>
      /\.spec\.|(^|\/)(test|demo|bench)\//.test(file),
    );
    expect({ unexpected, forbidden }).toEqual({
      unexpected: [],
      forbidden: [],
    });
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/testing/index.js',
        'dist/testing/index.d.ts',
      ]),
    );
  }, 60_000);
});
