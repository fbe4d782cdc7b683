import { describe, expect, it } from 'vitest';

// The per-agent decay as the simulation serves it (the estimator's unit tests are in
// test/crowding/agent-decay.test.ts, which constructs no Simulation).
describe('decay in the simulation (GET /analytics/decay, /strategies/{id}/stats)', () => {
  it('serves agent_decay_params for every agent, strategy_decay_params per type, the pooled fit and the original estimator beside it', async () => {
    const { Simulation } = await import('../../src/simulation.js');
    // The seed market, where every agent trades in each 50-tick window.
    const sim = new Simulation({ seed: 2, population: 'seed' });
    sim.run(800);
    const d = sim.decaySnapshot() as Record<string, unknown> & {
      agent_decay_params: { agent_id: string; n_samples: number; fit_basis: string }[];
      strategy_decay_params: { strategy: string; agents: number; n_samples: number }[];
      original_estimator: { model: string };
    };
    expect(d['estimator']).toBe('levels');
    expect(d.agent_decay_params.map((a) => a.agent_id)).toEqual(sim.agentIds());
    for (const a of d.agent_decay_params) {
      expect(a.n_samples).toBe(16); // 800 ticks / 50-tick windows
      expect(a.fit_basis).toBe('cumulative_crowding_exposure');
    }
    expect(d.strategy_decay_params.map((s) => [s.strategy, s.agents, s.n_samples])).toEqual([
      ['market_maker', 2, 32],
      ['mean_reversion', 3, 48],
      ['momentum', 3, 48],
    ]);
    expect(d['samples']).toBe(128);
    expect(d.original_estimator.model).toMatch(/log\(max\(sharpe, floor\)\)/);
    expect(Object.keys(d['units'] as object)).toEqual(['exposure', 'sharpe', 'half_life']);
    expect(sim.agentDecay('mom_1')).toEqual(d.agent_decay_params[0]);
    expect(sim.agentDecay('nobody')).toBeNull();
    const original = new Simulation({ seed: 2, population: 'seed', alphaDecay: { estimator: 'original' } });
    original.run(300);
    const o = original.decaySnapshot() as Record<string, unknown>;
    expect(o['estimator']).toBe('original');
    expect(o['model']).toMatch(/log\(max\(sharpe, floor\)\)/);
    expect(o['levels_estimator']).toBeDefined();
  });
});
