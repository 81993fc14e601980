/**
 * The files of src/ that no test measures, for coverage here and for mutation in
 * stryker.config.mjs (one list): index.ts only picks the action to run; types.ts holds only
 * types, which compile to nothing; version.ts is one constant, which a project test holds to
 * package.json.
 */
export const UNMEASURED = ['src/index.ts', 'src/atlas/types.ts', 'src/engine/version.ts']

/** Jest on native ESM: ts-jest compiles TypeScript, Node runs it as ES modules. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  resolver: 'ts-jest-resolver',
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 30000,
  // The suites mostly wait: on loopback servers, child processes and real timers (user time is a
  // fifth of wall time on two cores). Four workers overlap those waits; jest's default of
  // cores - 1 would run the files one at a time here.
  maxWorkers: 4,
  // Coverage (with --coverage, as npm test runs) counts what the in-process suites run of src/;
  // the action-level suites run dist/ in a child process, which no coverage tool sees.
  collectCoverageFrom: ['src/**/*.ts', ...UNMEASURED.map((file) => `!${file}`)],
  coverageProvider: 'v8',
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: { global: { lines: 90, statements: 90, functions: 85, branches: 80 } }
}
