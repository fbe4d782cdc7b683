import { describe, expect, it } from 'vitest';
import { AgentDecay, BOOTSTRAP_BUDGET, MIN_RESAMPLES, resamplesFor } from '../../src/crowding/agent-decay.js';
import { defaultConfig } from '../../src/config.js';
import { Rng } from '../../src/rng.js';

const cfg = { ...defaultConfig().alphaDecay, agentWindow: 10 };
const RATE = 0.005; // exposure per tick

/**
 * Agent 0: PnL changes mu(X) ± sigma alternating, mu = 0.8 sigma exp(-1.5 X), so each window's
 * per-tick Sharpe is ≈ 0.8 exp(-1.5 X). Agent 1: the same sigma, constant mean, random noise.
 */
function drive(ticks: number, d = new AgentDecay(cfg, new Rng(7)), from = 1, pnl = [0, 0]) {
  if (from === 1) {
    d.addAgent();
    d.addAgent();
  }
  const noise = new Rng(99);
  const sigma = 2;
  for (let t = from; t < from + ticks; t++) {
    const x = RATE * t;
    pnl[0]! += 0.8 * sigma * Math.exp(-1.5 * x) + (t % 2 === 0 ? sigma : -sigma);
    pnl[1]! += 0.3 * sigma + noise.normal(0, sigma);
    d.observe(t, Float64Array.from(pnl), Float64Array.from([x, x]));
  }
  return { d, exposure: Float64Array.from([RATE * (from + ticks - 1), RATE * (from + ticks - 1)]), pnl };
}

describe('AgentDecay (each agent on its own history over time)', () => {
  it('recovers the decay of a Sharpe that falls with the agent’s own exposure, with units in exposure and ticks', () => {
    const { d, exposure } = drive(2000);
    const p = d.agentParams(0, exposure);
    expect(p.n_samples).toBe(200); // one window per 10 ticks: ticks 10, 20, ..., 2000
    expect(p.decays).toBe(true);
    expect(p.fit_basis).toBe('cumulative_crowding_exposure');
    expect(p.lambda!).toBeGreaterThan(1.5 * 0.9);
    expect(p.lambda!).toBeLessThan(1.5 * 1.1);
    expect(p.half_life).toBeCloseTo(Math.LN2 / p.lambda!, 12);
    // ticks at the agent's own exposure rate (X / ticks observed)
    expect(p.exposure_per_tick).toBeCloseTo(RATE, 4);
    expect(p.half_life_ticks!).toBeCloseTo(p.half_life! / p.exposure_per_tick!, 9);
    expect(p.r_squared!).toBeGreaterThan(0.9);
    const ci = p.half_life_ci!;
    expect(ci.level).toBe(0.9);
    expect(ci.block_length).toBe(cfg.blockLength);
    expect(ci.lower!).toBeLessThanOrEqual(p.half_life!);
    expect(ci.upper!).toBeGreaterThanOrEqual(p.half_life!);
    expect(p.curve[0]!.predicted_sharpe).toBeCloseTo(p.alpha_max!, 12);
    expect(p.significant).toBe(true);
  });

  it('an agent whose Sharpe does not fall reports no half-life and no interval, and says why', () => {
    const { d, exposure } = drive(2000);
    const p = d.agentParams(1, exposure);
    expect(p.n_samples).toBe(200);
    if (p.decays) expect(p.r_squared!).toBeLessThan(0.05);
    else {
      expect(p.half_life).toBeNull();
      expect(p.half_life_ticks).toBeNull();
      expect(p.half_life_ci).toBeNull();
      expect(p.significant).toBe(false);
      expect(p.reason).toMatch(/./);
    }
  });

  it('too few windows: no fit, with the count and the rule in the reason', () => {
    const { d, exposure } = drive(100);
    const p = d.agentParams(0, exposure);
    expect(p.n_samples).toBe(10);
    expect(p.alpha_max).toBeNull();
    expect(p.half_life).toBeNull();
    expect(p.reason).toBe('10 window samples; a fit needs at least 12 (alphaDecay.agentMinSamples)');
  });

  it('a group fit stacks its agents’ windows', () => {
    const { d, exposure } = drive(600);
    expect(d.groupParams('both', [0, 1], exposure).n_samples).toBe(d.samples(0) + d.samples(1));
  });

  it('keeps the last agentMaxSamples windows per agent', () => {
    const small = new AgentDecay({ ...cfg, agentMaxSamples: 30 }, new Rng(7));
    const { exposure } = drive(1000, small);
    expect(small.samples(0)).toBe(30);
    expect(small.agentParams(0, exposure).n_samples).toBe(30);
  });

  it('a window with a flat PnL (an idle agent) gives no sample', () => {
    const d = new AgentDecay(cfg, new Rng(1));
    d.addAgent();
    for (let t = 1; t <= 200; t++) d.observe(t, [100_000], [0.01 * t]);
    expect(d.samples(0)).toBe(0);
  });

  it('checkpoint: a restored model continues to the same fit and interval', () => {
    const a = drive(800);
    const b = new AgentDecay(cfg, new Rng(7));
    b.addAgent();
    b.addAgent();
    b.loadState(JSON.parse(JSON.stringify(a.d.saveState())));
    const more = 700;
    const endA = drive(more, a.d, 801, [...a.pnl]);
    const endB = drive(more, b, 801, [...a.pnl]);
    expect(b.agentParams(0, endB.exposure)).toEqual(a.d.agentParams(0, endA.exposure));
  });

  it('rejects bad windows at construction', () => {
    expect(() => new AgentDecay({ ...cfg, agentWindow: 1 }, new Rng(1))).toThrow(/agentWindow must be an integer >= 2/);
    expect(() => new AgentDecay({ ...cfg, agentMaxSamples: 0 }, new Rng(1))).toThrow(/agentMaxSamples must be a positive integer/);
  });
});

describe('resamplesFor (the bootstrap budget of large groups)', () => {
  it('a single agent gets every resample; large groups fewer, never below the floor; 0 stays 0', () => {
    expect(resamplesFor(200, 200)).toBe(200);
    expect(resamplesFor(BOOTSTRAP_BUDGET / 100, 200)).toBe(100);
    expect(resamplesFor(1_000_000, 200)).toBe(MIN_RESAMPLES);
    expect(resamplesFor(1_000_000, 20)).toBe(20);
    expect(resamplesFor(10, 0)).toBe(0);
  });
});
