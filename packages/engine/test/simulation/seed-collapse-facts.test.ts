import { describe, expect, it } from 'vitest';
import { MarketSampler } from '../../src/analytics/market-sampler.js';
import { Simulation } from '../../src/simulation.js';

// The stylized-facts criteria on a simulated market (the unit tests of the criteria are in
// test/analytics/stylized-facts.test.ts, which constructs no Simulation so that `npm run mutate`
// can run it per mutant).
describe('stylized facts of a simulated market', () => {
  it('the 9-momentum collapse of the seed market fails', () => {
    const sim = new Simulation({ seed: 1, population: { preset: 'seed', momentum: 9 } });
    const sampler = new MarketSampler(sim.config.tickSize);
    for (let t = 0; t < 5000; t++) sampler.observe(sim.step());
    const report = sampler.report();
    expect(report.pass).toBe(false);
    expect(report.failed.length).toBeGreaterThan(0);
    // One side of the book is empty on most ticks of the collapse.
    expect(report.failed).toEqual(expect.arrayContaining(['two_sided_book', 'book_depth']));
  });
});
