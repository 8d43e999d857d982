import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'coverage/',
      'demo/dist/',
      'bench/dist/',
      'bench/.scratch/',
      'node_modules/',
    ],
  },
  // Type-aware rules: a promise nobody awaits, an async callback where a void one is
  // expected, `any` leaking out of an untyped API, assertions that change nothing.
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Each file is checked with the tsconfig.json nearest to it: the root one for src
        // and test, bench/, demo/ and compat/ for theirs.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Off: policy providers and origin functions are async without awaiting on purpose,
      // so that a throw becomes a rejection, which is what the module must handle.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Plain JavaScript (scripts, the playground page) is in no TypeScript project.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The decision core stays free of Nest: it must be usable, and testable, on its own.
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'nestjs-cors-policy',
              message:
                'src/core may not import the package root, which loads the Nest module.',
            },
          ],
          patterns: [
            {
              group: ['@nestjs/*'],
              message:
                'src/core is the pure decision core: keep Nest imports in src/nest.',
            },
            {
              group: ['**/nest', '**/nest/**', '../index.js'],
              message:
                'src/core may not import src/nest (or src/index.ts, which exports it): the Nest wiring depends on the core, not the other way round.',
            },
          ],
        },
      ],
    },
  },
);
