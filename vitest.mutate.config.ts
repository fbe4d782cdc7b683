import { defineConfig } from 'vitest/config';

// The suites StrykerJS runs against each mutant (`npm run mutate`): the engine's unit suites for
// the research layer, which import the engine from src/ (the sandbox copy Stryker mutates), plus
// the scripted-market execution tests. The long simulation suites (kappa sweeps over five seeds,
// population doubling) are left out: each mutant would take minutes. Not part of `npm test`.
//
// CROWDALPHA_MUTATE_SUITES=unit keeps only the suites that construct no Simulation (a mutant in
// code every simulated tick runs is otherwise covered by every simulation test, ~10-30 s each on a
// loaded 2-core machine): a faster run whose score is a lower bound of the full one (MUTATION.md).
const unitOnly = process.env['CROWDALPHA_MUTATE_SUITES'] === 'unit';

export default defineConfig({
  test: {
    include: unitOnly
      ? [
          'packages/engine/test/crowding/{side-multipliers,exponential-fit,alpha-decay,crowding-matrix,factor-space,pca}.test.ts',
          'packages/engine/test/analytics/{analytics-rules,fragility-index,regime-detector,stats,diagnostics,market-analytics}.test.ts',
          'packages/engine/test/simulation/config-rules.test.ts',
        ]
      : [
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
