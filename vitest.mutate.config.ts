import { defineConfig } from 'vitest/config';

// The suites StrykerJS runs against each mutant (`npm run mutate`; MUTATION.md). Not part of
// `npm test`.
//
// Only suites that construct no Simulation: a mutant in code that every simulated tick runs would
// otherwise be covered by every simulation test (~10-30 s each on a loaded 2-core machine), and the
// full scope (~2,500 mutants) could not finish. Each file of the research layer is exercised
// directly by its own unit suite instead; the simulation suites (kappa sweeps, population doubling,
// decay and stylized facts of a simulated market, Sharpe over whole runs) stay in `npm test`.
// A new unit suite under test/crowding or test/analytics is picked up here automatically; one that
// constructs a Simulation belongs in test/simulation (or in the exclude list below).
export default defineConfig({
  test: {
    include: [
      'packages/engine/test/crowding/**/*.test.ts',
      'packages/engine/test/analytics/**/*.test.ts',
      'packages/engine/test/simulation/{config-rules,ledger,impact-model}.test.ts',
    ],
    exclude: [
      // Constructs Simulations (full-run Sharpe over five seeds).
      'packages/engine/test/analytics/sharpe-definition.test.ts',
      // Statistical behaviour on 20,000-return series: 2-15 s per test once Stryker instruments the
      // code, for every mutant in stats/stylized-facts. Each criterion is tested on short series in
      // stylized-facts-criteria.test.ts instead.
      'packages/engine/test/analytics/stylized-facts.test.ts',
      // Estimators on noisy data with 200-300 bootstrap resamples (1-8 s per test instrumented).
      // Their rules are tested on small exact cases in exponential-fit-rules, alpha-decay-rules
      // and agent-decay-rules.test.ts.
      'packages/engine/test/crowding/exponential-fit.test.ts',
      'packages/engine/test/crowding/alpha-decay.test.ts',
      'packages/engine/test/crowding/agent-decay.test.ts',
    ],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
