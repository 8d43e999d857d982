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
  {
    // Every access to an internal of Nest, Express, Fastify, Node or Socket.IO is a named
    // function of src/nest/internals, with a canary spec (docs/architecture.md lists them).
    files: ['src/nest/**/*.ts'],
    ignores: ['src/nest/internals/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...[
          'stack',
          'router',
          'routeOptions',
          'is404',
          'initialConfig',
          'init$',
          'writeHead',
          'writeHeader',
          'applyVersionFilter',
          'setNotFoundHandler',
          'setOnRequestHook',
          'enableCors',
          'hasPlugin',
          'engine',
        ].map((property) => ({
          property,
          message: `${property} is a framework internal: reach it through a function of src/nest/internals.`,
        })),
        ...['getMetadata', 'defineMetadata', 'getMetadataKeys'].map(
          (property) => ({
            object: 'Reflect',
            property,
            message:
              "Nest's metadata is a framework internal: read it through a function of src/nest/internals.",
          }),
        ),
      ],
    },
  },
);
