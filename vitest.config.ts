import { defineConfig } from 'vitest/config';

// One run for the whole monorepo. Browser (e2e) and service-backed suites live beside the unit
// tests but skip loudly when their service is missing outside CI (see README "Tests").
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
