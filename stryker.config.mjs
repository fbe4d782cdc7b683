// Mutation testing of the research layer: `npm run mutate` (slow; not in CI). Scope a run with
// `npm run mutate -- --mutate 'packages/engine/src/analytics/regime-detector.ts'`. The score of the
// last full run is recorded in MUTATION.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  mutate: [
    'packages/engine/src/crowding/**/*.ts',
    'packages/engine/src/analytics/**/*.ts',
    'packages/engine/src/execution/**/*.ts',
  ],
  // Only what the engine's tests need is copied into the sandbox.
  ignorePatterns: ['/.stryker-tmp*', '/packages/web', '/packages/server', '/packages/sandbox', '/packages/cli', '/examples', '/reports', '/data', '/artifacts', '**/dist', '/docs'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
  // Re-runs only reuse results for mutants whose code and covering tests did not change
  // (reports/stryker-incremental.json); `npm run mutate -- --force` re-tests everything.
  incremental: true,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
