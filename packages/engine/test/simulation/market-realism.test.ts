/**
 * Issue #10's targets on the default market (the same code as `scripts/validate-market.mjs` and
 * VALIDATION.md): seeds 1–3 × 20,000 ticks, the 70 %-momentum stress on 5 seeds, and the regime a
 * crashing market gets. Slow by nature (about a minute): the targets are statistics of long runs.
 */
import { describe, expect, it } from 'vitest';
import { stressMarket, validateMarket } from '../../src/analytics/market-validation.js';
import { MarketSampler } from '../../src/analytics/market-sampler.js';
import { defaultConfig } from '../../src/config.js';
import { Simulation } from '../../src/simulation.js';

describe('market realism (issue #10)', () => {
  it('the default market is the background market', () => {
    expect(defaultConfig().population.preset).toBe('market');
  });

  it('meets every target on seeds 1-3 over 20,000 ticks', { timeout: 300_000 }, () => {
    const result = validateMarket({ seeds: [1, 2, 3], ticks: 20_000 });
    const failed = result.targets.filter((t) => !t.pass).map((t) => `${t.name} = ${String(t.value)} (${t.criterion})`);
    expect(failed).toEqual([]);
    // The seed's strategies take part: momentum and mean reversion both trade on every seed.
    for (const f of result.seeds) {
      expect(f.orders_by_strategy.momentum ?? 0, `momentum, seed ${f.seed}`).toBeGreaterThan(50);
      expect(f.orders_by_strategy.mean_reversion ?? 0, `mean reversion, seed ${f.seed}`).toBeGreaterThan(50);
    }
  });

  it('with 70 % of the strategies momentum, stays two-sided and within [0.5x, 2x] on 5 seeds', { timeout: 300_000 }, () => {
    const result = stressMarket({ seeds: [1, 2, 3, 4, 5], ticks: 20_000 });
    const failed = result.targets.filter((t) => !t.pass).map((t) => `${t.name} = ${String(t.value)}`);
    expect(failed).toEqual([]);
    // The stress is only a stress if the momentum crowd trades: on every seed it sent orders.
    for (const f of result.seeds) expect(f.orders_by_strategy.momentum ?? 0, `seed ${f.seed}`).toBeGreaterThan(100);
  });

  it('a market that crashes (9 momentum on the seed preset) is not called CALM while it is down', { timeout: 300_000 }, () => {
    const sim = new Simulation({ seed: 1, population: { preset: 'seed', momentum: 9 } });
    const sampler = new MarketSampler(sim.config.tickSize);
    let crashed = 0;
    let calm = 0;
    for (let t = 0; t < 20_000; t++) {
      const r = sim.step();
      sampler.observe(r);
      const s = r.state;
      const oneSided = s.order_book.bids.length === 0 || s.order_book.asks.length === 0;
      if (s.mid_price < 0.8 * sim.config.initialPrice || s.mid_price > 1.25 * sim.config.initialPrice || oneSided) {
        crashed++;
        if (s.regime === 'CALM') calm++;
      }
    }
    expect(crashed).toBeGreaterThan(1000);
    expect(calm / crashed).toBeLessThan(0.05);
    expect(sampler.report().pass).toBe(false);
  });
});
