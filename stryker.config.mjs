// StrykerJS: mutates src/ (less the files no test measures, the same list as coverage) against the
// unit suites; see CONTRIBUTING ("Mutation testing").
import { UNMEASURED } from './jest.config.js'

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  mutate: ['src/**/*.ts', ...UNMEASURED.map((file) => `!${file}`)],
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    config: {
      testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/__tests__/unit/project\\.test\\.ts$'],
      collectCoverage: false,
      coverageThreshold: {}
    },
    enableFindRelatedTests: true
  },
  coverageAnalysis: 'perTest',
  concurrency: 3,
  timeoutMS: 8000,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: {
    fileName: 'reports/mutation/mutation.html'
  },
  jsonReporter: {
    fileName: 'reports/mutation/mutation.json'
  },
  thresholds: {
    high: 90,
    low: 85,
    break: null
  },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always'
}
