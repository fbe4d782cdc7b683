import { describe, expect, it } from 'vitest';
import { RlPpoAgent, RL_ACTIONS, RL_FEATURES, autoMinibatchesPerTick, observe } from '../../src/agents/rl/ppo-agent.js';
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
    impact: { lastShift: 0, cumulativeShift: 0 },
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
    // A market where every order fills at once and pays crowded impact (eta·4·6·sqrt(q) per unit),
    // charged to the PnL and reported as impactPaid the way the engine's ledger does.
    let paid = 0;
    const holdRate = (from: number, to: number) => {
      let holds = 0;
      for (let t = from; t < to; t++) {
        const orders = agent.onTick(state(t, { crowding: crowded, pnl: 100_000 - paid, impactPaid: paid }));
        if (orders.length === 0) holds++;
        for (const o of orders) paid += 0.01 * 4 * 6 * Math.sqrt(o.qty) * o.qty;
      }
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

  it('spreads an update over ticks and resumes identically from a checkpoint taken mid-update', () => {
    const cfg = { seed: 5, analytics: false, population: { rl: 1 }, rlPpo: { rolloutLength: 64, minibatchSize: 16, minibatchesPerTick: 3 } };
    const a = new Simulation(cfg);
    // 64 transitions fill at tick 65; 4 epochs × 4 minibatches = 16 steps at 3 per tick: ticks 66–71.
    for (let t = 0; t < 67; t++) a.step();
    expect(a.agentStats('rl_1')!.extra.rl_updates).toBe(0);
    const b = Simulation.restore(JSON.parse(JSON.stringify(a.checkpoint())));
    for (let t = 0; t < 10; t++) expect(JSON.stringify(b.step().events)).toBe(JSON.stringify(a.step().events));
    expect(a.agentStats('rl_1')!.extra.rl_updates).toBe(1);
    expect(b.agentLearningCurve('rl_1')).toEqual(a.agentLearningCurve('rl_1'));
  });

  it('reports the learner diagnostics in its stats', () => {
    const sim = new Simulation({ seed: 9, analytics: false, population: { rl: 1 }, rlPpo: { rolloutLength: 64 } });
    sim.run(200);
    const x = sim.agentStats('rl_1')!.extra;
    expect(x.rl_mode).toBe('learning');
    expect(x.rl_updates).toBe(3);
    for (const k of ['rl_mean_reward', 'rl_entropy', 'rl_value_loss', 'rl_approx_kl', 'rl_clip_fraction', 'rl_explained_variance']) {
      expect(typeof x[k], k).toBe('number');
    }
    let total = 0;
    for (const a of RL_ACTIONS) total += x[`rl_prob_${a}`] as number;
    expect(total).toBeCloseTo(1, 9);
    expect(x.rl_exploration as number).toBeLessThan(0.35);
    const point = sim.agentLearningCurve('rl_1')!.at(-1) as Record<string, unknown>;
    expect(Object.keys(point)).toEqual(expect.arrayContaining(['approx_kl', 'clip_fraction', 'explained_variance', 'action_probs']));
  });

  it('exports a model that a frozen agent acts from without updating it', () => {
    const sim = new Simulation({ seed: 4, analytics: false, population: { rl: 1 }, rlPpo: { rolloutLength: 64 } });
    sim.run(300);
    const model = (sim.getAgent('rl_1') as RlPpoAgent).exportModel({ note: 'test' });
    expect(model.format).toBe('crowdalpha-ppo');
    expect(model.observation).toEqual([...RL_FEATURES]);
    const frozen = new RlPpoAgent('rl_f', { ...defaultConfig().rlPpo, frozen: true });
    frozen.loadModel(JSON.parse(JSON.stringify(model)));
    const sim2 = new Simulation({ seed: 11, analytics: false, population: { rl: 0 } });
    sim2.addAgent(frozen);
    sim2.run(300);
    expect(frozen.mode).toBe('frozen');
    expect(frozen.learningCurve()).toHaveLength(0);
    expect(frozen.exportModel().policy).toEqual(model.policy);
    expect(sim2.agentStats('rl_f')!.orders_submitted).toBeGreaterThan(0);
    // A frozen agent's checkpoint carries the model and restores it.
    const back = Simulation.restore(JSON.parse(JSON.stringify(sim2.checkpoint())));
    expect((back.getAgent('rl_f') as RlPpoAgent).exportModel().policy).toEqual(model.policy);
    expect(() => new RlPpoAgent('x', { ...defaultConfig().rlPpo, hiddenUnits: 8 }).loadModel(model)).toThrow(/1 hidden layer\(s\) of 32, the agent 1 of 8; set hiddenLayers\/hiddenUnits/);
    expect(() => new RlPpoAgent('x', defaultConfig().rlPpo).loadModel({ ...model, actions: ['a'] })).toThrow(/model has 1 actions, expected 7/);
  });

  it('splits large updates automatically and leaves the default learner whole', () => {
    const d = defaultConfig().rlPpo;
    // Default 1×32 net: 711 + 513 parameters; 128 × 4 × 1,224 is under the budget.
    expect(autoMinibatchesPerTick(d, 1224)).toBe(Infinity);
    // 2×64 on 2,048-step rollouts, minibatches of 64: 2e6 / (64 × 10,760) = 2 per tick.
    expect(autoMinibatchesPerTick({ ...d, rolloutLength: 2048, minibatchSize: 64 }, 10_760)).toBe(2);
    expect(autoMinibatchesPerTick({ ...d, rolloutLength: 2048, updateWorkPerTick: 0 }, 10_760)).toBe(Infinity);
    const sim = new Simulation({ seed: 2, analytics: false, population: { rl: 1 }, rlPpo: { rolloutLength: 64, minibatchSize: 16, updateWorkPerTick: 16 * 1224 * 2 } });
    sim.run(66);
    expect(sim.agentStats('rl_1')!.extra.rl_updates).toBe(0); // 16 minibatches at 2 per tick: not done yet
    sim.run(8);
    expect(sim.agentStats('rl_1')!.extra.rl_updates).toBe(1);
  });
});
