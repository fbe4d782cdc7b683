import { describe, expect, it } from 'vitest';
import { RlPpoAgent, RL_FEATURES, observe } from '../../src/agents/rl/ppo-agent.js';
import { defaultConfig } from '../../src/config.js';
import { Rng } from '../../src/rng.js';
import { Simulation } from '../../src/simulation.js';
import type { MarketState } from '../../src/types.js';

function state(tick: number, over: Partial<MarketState> = {}): MarketState {
  return {
    tick, timestamp: tick, mid: 100, bestBid: 99.99, bestAsk: 100.01, spread: 0.02,
    depth: { bids: [{ price: 99.99, qty: 10, orders: 1 }], asks: [{ price: 100.01, qty: 10, orders: 1 }], bestBid: 99.99, bestAsk: 100.01, mid: 100, spread: 0.02 },
    recentTrades: [], priceHistory: [100, 100, 100], volatility: 0, vwap: 100, tickSize: 0.0001, agentId: 'rl_1',
    position: 0, cash: 100_000, pnl: 100_000, openOrders: [],
    crowding: { intensity: 0, phi: 0, sidePressure: 0, buyImpactMultiplier: 1, sellImpactMultiplier: 1, agentImpactMultiplier: 1 },
    ...over,
  };
}

describe('rl_ppo agent', () => {
  it('observes 14 finite, clipped features', () => {
    const x = observe(state(1, { mid: 0 as number, vwap: 0 }), 50, 100_000);
    expect(x).toHaveLength(RL_FEATURES.length);
    expect(RL_FEATURES).toHaveLength(14);
    for (const v of x) expect(Number.isFinite(v) && Math.abs(v) <= 5).toBe(true);
  });

  it('learns to hold when every trade costs heavy crowded impact', () => {
    const cfg = { ...defaultConfig().rlPpo, learningRate: 0.01 };
    const agent = new RlPpoAgent('rl_1', cfg);
    agent.attach({ rng: new Rng(3), tickSize: 0.0001 });
    const crowded = { intensity: 0.9, phi: 0.9, sidePressure: 0, buyImpactMultiplier: 4, sellImpactMultiplier: 4, agentImpactMultiplier: 6 };
    const holdRate = (from: number, to: number) => {
      let holds = 0;
      for (let t = from; t < to; t++) if (agent.onTick(state(t, { crowding: crowded })).length === 0) holds++;
      return holds / (to - from);
    };
    const early = holdRate(1, 513);
    holdRate(513, 6000);
    const late = holdRate(6000, 6512);
    expect(agent.learningCurve().length).toBeGreaterThan(30);
    expect(late).toBeGreaterThan(early + 0.3);
  });

  it('falls back to a fixed stochastic policy when learning is off', () => {
    const agent = new RlPpoAgent('rl_1', { ...defaultConfig().rlPpo, learn: false });
    agent.attach({ rng: new Rng(3), tickSize: 0.0001 });
    let holds = 0;
    for (let t = 1; t <= 2000; t++) if (agent.onTick(state(t)).length === 0) holds++;
    expect(holds / 2000).toBeGreaterThan(0.35);
    expect(holds / 2000).toBeLessThan(0.45);
    expect(agent.learningCurve()).toHaveLength(0);
    expect(agent.diagnostics().rl_learning).toBe(false);
  });

  it('trades in a live market and resumes identically from a checkpoint', () => {
    const a = new Simulation({ seed: 8, analytics: false, population: { rl: 2 } });
    expect(a.agentIds()).toContain('rl_2');
    for (let t = 0; t < 400; t++) a.step();
    expect(a.agentStats('rl_1')!.fill_count).toBeGreaterThan(0);
    expect(a.agentStats('rl_1')!.extra.rl_updates).toBeGreaterThan(0);
    const b = Simulation.restore(JSON.parse(JSON.stringify(a.checkpoint())));
    for (let t = 0; t < 300; t++) expect(JSON.stringify(b.step().events)).toBe(JSON.stringify(a.step().events));
    expect(b.agentLearningCurve('rl_1')).toEqual(a.agentLearningCurve('rl_1'));
  });
});
