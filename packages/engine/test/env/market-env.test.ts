import { describe, expect, it } from 'vitest';
import { MarketEnv } from '../../src/env/market-env.js';
import { VectorMarketEnv } from '../../src/env/vector-env.js';
import { RL_ACTIONS, RL_FEATURES } from '../../src/agents/rl/ppo-agent.js';

const small = { episodeTicks: 40, warmupTicks: 10, config: { analytics: false } } as const;

describe('MarketEnv', () => {
  it('is gym-shaped: reset(seed) → obs, step(action) → {obs, reward, terminated, truncated, info}, truncating at episodeTicks', () => {
    const env = new MarketEnv(small);
    expect(env.observationSize).toBe(RL_FEATURES.length);
    expect(env.actions).toBe(RL_ACTIONS.length);
    expect(() => env.step(0)).toThrow(/before reset/);
    const obs = env.reset(3);
    expect(obs).toHaveLength(RL_FEATURES.length);
    let last;
    for (let t = 1; t <= 40; t++) {
      last = env.step(t % 7);
      expect(last.truncated).toBe(t === 40);
      expect(last.terminated).toBe(false);
      expect(Number.isFinite(last.reward)).toBe(true);
    }
    expect(last!.info.step).toBe(40);
    expect(last!.info.tick).toBe(10 + 40 + 1);
    expect(() => env.step(7)).toThrow(/action must be an integer in \[0, 6\]/);
  });

  it('reproduces an episode from its seed, and different seeds give different markets', () => {
    const run = (seed: number) => {
      const env = new MarketEnv(small);
      const out = [[...env.reset(seed)]];
      for (let t = 0; t < 30; t++) {
        const r = env.step((t * 3) % 7);
        out.push([...r.obs, r.reward, r.info.netPnl]);
      }
      return out;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('trades: buying aggressively builds a long position and pays impact the engine charged', () => {
    const env = new MarketEnv({ ...small, config: {} });
    env.reset(2);
    let r;
    for (let t = 0; t < 5; t++) r = env.step(3); // buy_large: market order of largeQty
    expect(r!.info.position).toBeGreaterThan(0);
    expect(r!.info.impactPaid).toBeGreaterThan(0);
  });

  it('takes custom observation, reward and action space functions', () => {
    const env = new MarketEnv({
      ...small,
      observation: { size: 2, names: ['mid', 'position'], fn: (s) => Float64Array.of(s.mid, s.position) },
      reward: (prev, s) => s.pnl - prev.pnl,
      actions: { names: ['nothing', 'buy1'], orders: (a) => (a === 1 ? [{ side: 'BID', type: 'MARKET', qty: 1 }] : []) },
    });
    expect(env.observationNames).toEqual(['mid', 'position']);
    const o = env.reset(1);
    expect(o).toHaveLength(2);
    const r = env.step(1);
    expect(r.obs[1]).toBe(1);
    expect(() => env.step(2)).toThrow(/nothing, buy1/);
  });

  it('ends the episode as terminated past the loss limit', () => {
    // The seed market's wide spread makes a loss certain within a few market buys.
    const env = new MarketEnv({ ...small, config: { population: { preset: 'seed' } }, maxLoss: 1e-9 });
    env.reset(4);
    let r;
    for (let t = 0; t < 40; t++) {
      r = env.step(3);
      if (r.terminated || r.truncated) break;
    }
    expect(r!.terminated).toBe(true);
    expect(r!.info.netPnl).toBeLessThan(0);
  });
});

describe('VectorMarketEnv', () => {
  it('steps K independent markets and auto-resets finished episodes with fresh seeds', () => {
    const vec = new VectorMarketEnv(3, { ...small, episodeTicks: 5 });
    const first = vec.reset(10);
    expect(first).toHaveLength(3);
    expect(first[0]).not.toEqual(first[1]);
    // env 1 equals a single env seeded 11
    const single = new MarketEnv({ ...small, episodeTicks: 5 });
    expect([...first[1]!]).toEqual([...single.reset(11)]);
    let r;
    for (let t = 0; t < 5; t++) r = vec.step([0, 1, 4]);
    expect(r!.truncated).toEqual([true, true, true]);
    expect(r!.finalObs.every((o) => o !== null)).toBe(true);
    expect(r!.finalNetPnl.every((p) => typeof p === 'number')).toBe(true);
    // env 0's second episode is seeded 10 + 0 + 1·3 = 13
    expect([...r!.obs[0]!]).toEqual([...new MarketEnv({ ...small, episodeTicks: 5 }).reset(13)]);
    expect(() => vec.step([0, 0])).toThrow(/expected 3 actions/);
  });
});
