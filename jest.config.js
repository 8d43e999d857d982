/** Jest runs the ESM-only Nest 12 in native ESM mode (NODE_OPTIONS=--experimental-vm-modules). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  // Run apart, each by its own script, which CI runs too:
  // test/redis needs Debian's redis-server (`npm run test:redis`);
  // test/package builds and packs the package to check its manifest (`npm run test:package`).
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/redis/',
    '<rootDir>/test/package/',
  ],
};
