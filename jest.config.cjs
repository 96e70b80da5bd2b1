/**
 * Unit tests call the functions' `handle` and the domain with in-memory ports and start no server;
 * integration tests talk to servers on loopback (dynalite, the stand-ins, the local stack that
 * globalSetup starts once for them all); the
 * replay against injected faults runs on its own after them (npm test), since it keeps both cores busy.
 */
const transform = {
  // middy is ESM-only: ts-jest transpiles it (and our TypeScript) to CommonJS for jest.
  '^.+\\.[tj]s$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', isolatedModules: true, rootDir: __dirname } }],
  'release-policy\\.yml$': '<rootDir>/tests/support/release-policy-transform.cjs',
};
const moduleFileExtensions = ['ts', 'js', 'json', 'yml'];
const transformIgnorePatterns = ['node_modules/(?!@middy/)'];
// ...and exports only an `import` condition, which jest's CommonJS resolver never picks.
const moduleNameMapper = { '^@middy/([a-z-]+)$': '<rootDir>/node_modules/@middy/$1/index.js' };

module.exports = {
  // the stack's first invocation of each function is a cold start on a busy 2-core machine
  testTimeout: 30_000,
  // every temporary folder of the run in one, removed when it ends
  globalSetup: '<rootDir>/tests/support/temporary-folders-setup.cjs',
  globalTeardown: '<rootDir>/tests/support/temporary-folders-teardown.cjs',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
      setupFiles: ['<rootDir>/tests/support/lambda-environment.ts'],
      moduleFileExtensions,
      moduleNameMapper,
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      setupFiles: ['<rootDir>/tests/support/lambda-environment.ts'],
      globalSetup: '<rootDir>/tests/integration/global-setup.ts',
      globalTeardown: '<rootDir>/tests/integration/global-teardown.ts',
      moduleFileExtensions,
      moduleNameMapper,
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'replay',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/replay/**/*.test.ts'],
      setupFiles: ['<rootDir>/tests/support/lambda-environment.ts'],
      moduleFileExtensions,
      moduleNameMapper,
      transform,
      transformIgnorePatterns,
    },
  ],
};
