import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/simulation.js';
import type { PopulationConfig } from '../../src/config.js';

/** Mean Phi over agents and ticks after a warm-up, for one population and normalisation. */
function meanPhi(population: PopulationConfig, phiNormalization: 'seed' | 'weighted_mean'): number {
  const sim = new Simulation({ seed: 3, population, crowding: { phiNormalization } });
  let sum = 0;
  let count = 0;
  for (let t = 0; t < 700; t++) {
    const r = sim.step();
    if (t < 200) continue;
    for (const a of r.state.agent_stats) {
      sum += a.phi;
      count++;
    }
  }
  return sum / count;
}

describe('Phi at any population size (the same 3:3:2 mix, doubled)', () => {
  const small = { momentum: 3, meanReversion: 3, marketMakers: 2, rl: 0 };
  const doubled = { momentum: 6, meanReversion: 6, marketMakers: 4, rl: 0 };

  it('the weighted-mean default keeps its level while the seed form halves', () => {
    const wm = meanPhi(doubled, 'weighted_mean') / meanPhi(small, 'weighted_mean');
    const seed = meanPhi(doubled, 'seed') / meanPhi(small, 'seed');
    expect(wm).toBeGreaterThan(0.8);
    expect(wm).toBeLessThan(1.25);
    expect(seed).toBeLessThan(0.65);
  });

  it('the crowding snapshot says which normalisation is in use', () => {
    for (const phiNormalization of ['seed', 'weighted_mean'] as const) {
      const sim = new Simulation({ seed: 1, crowding: { phiNormalization } });
      sim.run(5);
      expect((sim.crowdingSnapshot() as { phi_normalization: string }).phi_normalization).toBe(phiNormalization);
    }
    expect((new Simulation({ seed: 1 }).crowdingSnapshot() as { phi_normalization: string }).phi_normalization).toBe('weighted_mean');
  });
});
