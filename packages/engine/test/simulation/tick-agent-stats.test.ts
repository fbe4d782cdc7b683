/**
 * `tickAgentStats: false` (SimulationOptions): TICK stops carrying every agent's stats, and nothing
 * else changes — the market, every other event and the stats served on demand are the same.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/simulation.js';

describe('SimulationOptions.tickAgentStats', () => {
  it('false leaves agent_stats out of TICK and changes nothing else', () => {
    const full = new Simulation({ seed: 7 });
    const lean = new Simulation({ seed: 7 }, { tickAgentStats: false });
    for (let t = 0; t < 600; t++) {
      const a = full.step();
      const b = lean.step();
      expect(b.state.agent_stats).toEqual([]);
      expect(a.state.agent_stats.length).toBeGreaterThan(0);
      const strip = (r: typeof a) => JSON.stringify(r.events.map((e) => (e.type === 'TICK' ? { ...e, payload: { ...e.payload, agent_stats: [] } } : e)));
      expect(strip(b)).toBe(strip(a));
      if (t % 100 === 99) expect(lean.allAgentStats()).toEqual(a.state.agent_stats);
    }
    expect(lean.leaderboard()).toEqual(full.leaderboard());
  });

  it('is kept by a restore that asks for it', () => {
    const sim = new Simulation({ seed: 3 }, { tickAgentStats: false });
    sim.run(50);
    expect(Simulation.restore(sim.checkpoint(), { tickAgentStats: false }).step().state.agent_stats).toEqual([]);
    expect(Simulation.restore(sim.checkpoint()).step().state.agent_stats.length).toBeGreaterThan(0);
  });
});
