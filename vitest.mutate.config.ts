import { defineConfig } from 'vitest/config';

// The suites StrykerJS runs against each mutant (`npm run mutate`): the engine's unit suites for
// the research layer, which import the engine from src/ (the sandbox copy Stryker mutates), plus
// the scripted-market execution tests. The long simulation suites (kappa sweeps over five seeds,
// population doubling) are left out: each mutant would take minutes. Not part of `npm test`.
export default defineConfig({
  test: {
    include: [
      'packages/engine/test/crowding/**/*.test.ts',
      'packages/engine/test/analytics/**/*.test.ts',
      'packages/engine/test/simulation/impact-payer.test.ts',
      'packages/engine/test/simulation/tick-contract.test.ts',
      'packages/engine/test/simulation/config-rules.test.ts',
    ],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
