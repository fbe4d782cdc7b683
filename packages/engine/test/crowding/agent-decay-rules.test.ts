import { describe, expect, it } from 'vitest';
import { AgentDecay, BOOTSTRAP_BUDGET, MIN_RESAMPLES, resamplesFor } from '../../src/crowding/agent-decay.js';
import { fitExponentialLevels } from '../../src/crowding/exponential-fit.js';
import { defaultConfig } from '../../src/config.js';
import { Rng } from '../../src/rng.js';

// The per-agent decay's rules on small exact cases: what a window sample is, when windows close,
// the sample ring, the exposure rate and ticks, the reasons, the interval and the cache. Small
// windows and few resamples keep it cheap enough to run per mutant.

const cfg = { ...defaultConfig().alphaDecay, agentWindow: 4, agentMaxSamples: 6, agentMinSamples: 4, bootstrapSamples: 20, blockLength: 2, curvePoints: 3 };

function windowSharpe(changes: number[]): number {
  const m = changes.reduce((a, b) => a + b, 0) / changes.length;
  const v = changes.reduce((a, b) => a + b * b, 0) / changes.length - m * m;
  return m / Math.sqrt(v);
}

/** Drives one agent: PnL changes `ch[t]` at ticks 0.., exposure `x(t)`. Returns the expected (x, Sharpe) samples. */
function drive(d: AgentDecay, changes: number[], x: (t: number) => number, agents = 1): [number, number][] {
  const want: [number, number][] = [];
  let pnl = 100;
  let open: number[] = [];
  for (let t = 0; t < changes.length; t++) {
    if (t > 0) {
      pnl += changes[t]!;
      open.push(changes[t]!);
    }
    d.observe(t, Array(agents).fill(pnl), Array(agents).fill(x(t)));
    if (t % cfg.agentWindow === 0) {
      if (open.length >= 2) want.push([x(t), windowSharpe(open)]);
      open = [];
    }
  }
  return want;
}

describe('AgentDecay window samples', () => {
  it('each agentWindow-tick window closes into (exposure at its end, mean / population std of its changes)', () => {
    const d = new AgentDecay({ ...cfg, agentMinSamples: 1 }, new Rng(1));
    d.addAgent();
    const rng = new Rng(3);
    const ch = Array.from({ length: 21 }, () => Math.round(rng.normal(0.2, 1) * 100) / 100);
    const want = drive(d, ch, (t) => t * 0.5);
    expect(want).toHaveLength(5);
    expect(d.samples(0)).toBe(5);
    const p = d.agentParams(0, [10]);
    const fit = fitExponentialLevels(want.map((w) => w[0]), want.map((w) => w[1]));
    expect(p.n_samples).toBe(5);
    expect(p.alpha_max).toBeCloseTo(fit.a, 12);
    expect(p.lambda).toBeCloseTo(fit.lambda, 9);
    expect(p.r_squared).toBeCloseTo(fit.r2, 9);
    expect(p.reason).toBe(fit.reason);
    expect(p.decays).toBe(fit.decays);
    expect(p.fit_basis).toBe('cumulative_crowding_exposure');
  });

  it('a window with fewer than 2 changes or no variance gives no sample; a window closes on ticks divisible by agentWindow', () => {
    const d = new AgentDecay({ ...cfg, agentMinSamples: 1 }, new Rng(1));
    d.addAgent();
    // ticks 1..4: changes 1, 1, 1, 1 (no variance); 5..8: 1, 2, 1, 2
    drive(d, [0, 1, 1, 1, 1, 1, 2, 1, 2], () => 0.3);
    expect(d.samples(0)).toBe(1);
    // An agent first seen at tick 3: its window to tick 4 holds one change only.
    const e = new AgentDecay({ ...cfg, agentMinSamples: 1 }, new Rng(1));
    e.addAgent();
    e.observe(3, [0], [0]);
    e.observe(4, [1], [0]);
    expect(e.samples(0)).toBe(0);
    for (const [t, p] of [[5, 3], [6, 4], [7, 7], [8, 8]] as const) e.observe(t, [p], [0.1 * t]);
    expect(e.samples(0)).toBe(1);
    expect(e.agentParams(0, [1]).n_samples).toBe(1);
    // A nearly constant large mean with a tiny wobble is no variance either (relative floor).
    const f = new AgentDecay({ ...cfg, agentMinSamples: 1 }, new Rng(1));
    f.addAgent();
    drive(f, [0, 1e6, 1e6 + 1e-7, 1e6, 1e6 + 1e-7], () => 0);
    expect(f.samples(0)).toBe(0);
  });

  it('keeps the last agentMaxSamples windows, oldest first; PnL arrays shorter than the agents leave the rest', () => {
    const d = new AgentDecay({ ...cfg, agentMinSamples: 1, agentMaxSamples: 3 }, new Rng(1));
    d.addAgent();
    d.addAgent();
    const ch = Array.from({ length: 25 }, (_, t) => (t % 2 ? 1 : -0.5) * (1 + t / 10));
    const want = drive(d, ch, (t) => t / 4);
    expect(want).toHaveLength(6);
    expect(d.samples(0)).toBe(3);
    const kept = want.slice(-3);
    const p = d.agentParams(0, [1]);
    const fit = fitExponentialLevels(kept.map((w) => w[0]), kept.map((w) => w[1]));
    expect(p.lambda).toBeCloseTo(fit.lambda, 9);
    expect(p.curve.map((c) => c.crowding_exposure)).toEqual([0, kept[2]![0] / 2, kept[2]![0]]);
  });
});

describe('AgentDecay fits', () => {
  /** Agent 0's window Sharpe falls with its exposure. */
  function decaying(seed: number, extra: Partial<typeof cfg> = {}) {
    const d = new AgentDecay({ ...cfg, ...extra }, new Rng(seed));
    d.addAgent();
    d.addAgent();
    const rng = new Rng(40);
    let pnl = [0, 0];
    for (let t = 0; t <= 40; t++) {
      const x = t * 0.05;
      const mu = 0.8 * Math.exp(-1.2 * x);
      const z = t % 2 ? 1 : -1;
      pnl = [pnl[0]! + mu + z + rng.normal(0, 0.05), pnl[1]! + rng.normal(0, 1)];
      d.observe(t, pnl, [x, x * 2]);
    }
    return d;
  }

  it('too few windows: no fit, and says how many it has and needs', () => {
    const d = new AgentDecay({ ...cfg, agentMinSamples: 30 }, new Rng(1));
    d.addAgent();
    drive(d, [0, 1, 2, 1, 3, 1, 2, 1, 3], () => 1);
    const p = d.agentParams(0, [1]);
    expect(p).toMatchObject({ alpha_max: null, lambda: null, half_life: null, half_life_ticks: null, half_life_ci: null, r_squared: null, n_samples: 2, decays: false, significant: false, curve: [] });
    expect(p.reason).toBe('2 window samples; a fit needs at least 30 (alphaDecay.agentMinSamples)');
  });

  it('a decaying agent: half-life, its ticks at the agent’s exposure rate, the block-bootstrap interval with its level and block length', () => {
    const d = decaying(2);
    const p = d.agentParams(0, [2]);
    expect(p.decays).toBe(true);
    expect(p.n_samples).toBe(6);
    expect(p.half_life).toBeCloseTo(Math.LN2 / p.lambda!, 12);
    // exposure 2 over ticks 0..40 (41 ticks since it joined)
    expect(p.exposure_per_tick).toBeCloseTo(2 / 41, 15);
    expect(p.half_life_ticks).toBeCloseTo(p.half_life! / (2 / 41), 9);
    expect(p.half_life_ci).toMatchObject({ level: 0.9, resamples: 20, block_length: 2 });
    expect(p.significant).toBe(p.half_life_ci!.upper !== null);
    expect(p.curve).toHaveLength(3);
    expect(p.curve[0]).toEqual({ crowding: 0, crowding_exposure: 0, predicted_sharpe: p.alpha_max });
    // no exposure: no rate, no ticks
    const z = decaying(2).agentParams(0, [0]);
    expect(z.exposure_per_tick).toBe(0);
    expect(z.half_life_ticks).toBeNull();
    expect(z.half_life).toBe(p.half_life);
  });

  it('groups stack their agents’ windows (blocks never cross agents) and average the agents’ rates', () => {
    const d = decaying(2);
    const g = d.groupParams('pair', [0, 1], [2, 4]);
    expect(g.n_samples).toBe(d.samples(0) + d.samples(1));
    expect(g.exposure_per_tick).toBeCloseTo((2 / 41 + 4 / 41) / 2, 15);
    const empty = new AgentDecay(cfg, new Rng(1));
    empty.addAgent();
    expect(empty.groupParams('none', [0], [5]).exposure_per_tick).toBeNull();
  });

  it('cached until one of its agents closes a window; the interval depends on the data, not on how often it is asked', () => {
    const a = decaying(7);
    const first = a.agentParams(0, [2]);
    expect(a.agentParams(0, [2])).toBe(first);
    const b = decaying(7);
    b.groupParams('x', [0], [2]);
    expect(b.agentParams(0, [2])).toEqual(first);
    expect(decaying(8).agentParams(0, [2]).half_life_ci).not.toEqual(first.half_life_ci);
    // a tick that closes no window keeps the cache
    a.observe(41, [1000, 0], [2, 4]);
    expect(a.agentParams(0, [2])).toBe(first);
    for (let t = 42; t <= 44; t++) a.observe(t, [1000 + (t % 2) * 3, 0], [2, 4]);
    expect(a.agentParams(0, [2])).not.toBe(first);
    expect(a.agentParams(0, [2]).n_samples).toBe(6);
  });

  it('no bootstrap when nothing decays; fewer resamples than the budget floor stay as configured', () => {
    const d = new AgentDecay({ ...cfg, agentMinSamples: 3 }, new Rng(1));
    d.addAgent();
    // window Sharpe rising with exposure: no decay, no interval
    const ch: number[] = [0];
    for (let w = 0; w < 6; w++) for (let k = 0; k < 4; k++) ch.push((k % 2 ? 1 : -1) + 0.1 * (w + 1));
    drive(d, ch, (t) => t / 4);
    const p = d.agentParams(0, [6]);
    expect(p.decays).toBe(false);
    expect(p.half_life_ci).toBeNull();
    expect(p.significant).toBe(false);
    expect(p.reason).not.toBeNull();
  });

  it('restores from a checkpoint to the same fits; refuses another population; rejects bad windows', () => {
    const a = decaying(3);
    const saved = JSON.parse(JSON.stringify(a.saveState()));
    const b = new AgentDecay(cfg, new Rng(3));
    b.addAgent();
    b.addAgent();
    b.agentParams(0, [2]); // a cached fit is dropped by the restore
    b.loadState(saved);
    expect(b.agentParams(0, [2])).toEqual(a.agentParams(0, [2]));
    expect(b.samples(1)).toBe(a.samples(1));
    const one = new AgentDecay(cfg, new Rng(3));
    one.addAgent();
    expect(() => one.loadState(saved, 'here')).toThrow('here: snapshot has 2 agents, this model 1');
    expect(() => new AgentDecay({ ...cfg, agentWindow: 1 }, new Rng(1))).toThrow('alphaDecay.agentWindow must be an integer >= 2, got 1');
    expect(() => new AgentDecay({ ...cfg, agentMaxSamples: 1.5 }, new Rng(1))).toThrow('alphaDecay.agentMaxSamples must be a positive integer, got 1.5');
    expect(new AgentDecay({ ...cfg, agentWindow: 2, agentMaxSamples: 1 }, new Rng(1)).samples(0)).toBe(0);
  });
});

describe('AgentDecay: agents apart, boundaries, the bootstrap budget', () => {
  it('two agents with as many windows keep their own samples and fits; a window of exactly 2 changes counts', () => {
    const d = new AgentDecay({ ...cfg, agentMinSamples: 3 }, new Rng(1));
    d.addAgent();
    d.addAgent();
    const a: number[] = [0];
    const b: number[] = [0];
    for (let t = 1; t <= 16; t++) {
      a.push(a[t - 1]! + (t % 2 ? 1 : -0.4) * Math.exp(-0.05 * t));
      b.push(b[t - 1]! + (t % 2 ? 0.2 : 1) + 0.01 * t);
    }
    for (let t = 0; t <= 16; t++) d.observe(t, [a[t]!, b[t]!], [t * 0.1, t * 0.3]);
    expect([d.samples(0), d.samples(1)]).toEqual([4, 4]);
    const one = (series: number[], rate: number) => {
      const s = new AgentDecay({ ...cfg, agentMinSamples: 3 }, new Rng(1));
      s.addAgent();
      for (let t = 0; t <= 16; t++) s.observe(t, [series[t]!], [t * rate]);
      return s.agentParams(0, [16 * rate]);
    };
    const pa = d.agentParams(0, [1.6, 4.8]);
    const pb = d.agentParams(1, [1.6, 4.8]);
    expect(pa.alpha_max).toBeCloseTo(one(a, 0.1).alpha_max!, 12);
    expect(pb.alpha_max).toBeCloseTo(one(b, 0.3).alpha_max!, 12);
    expect(pa.alpha_max).not.toBeCloseTo(pb.alpha_max!, 3);
    // the curve runs to the largest exposure and follows a·exp(−λx)
    expect(pb.curve[2]!.crowding_exposure).toBeCloseTo(4.8, 12);
    expect(pb.curve[2]!.predicted_sharpe).toBeCloseTo(pb.alpha_max! * Math.exp(-pb.lambda! * 4.8), 12);
    // A group's curve runs to the largest exposure of any member.
    expect(d.groupParams('both', [1, 0], [1.6, 4.8]).curve[2]!.crowding_exposure).toBeCloseTo(4.8, 12);
    // exactly agentMinSamples windows fit
    expect(pa.n_samples).toBe(4);
    const four = new AgentDecay({ ...cfg, agentMinSamples: 4 }, new Rng(1));
    four.addAgent();
    for (let t = 0; t <= 16; t++) four.observe(t, [a[t]!], [t * 0.1]);
    expect(four.agentParams(0, [1.6]).reason).not.toMatch(/window samples/);
    // Windows of exactly two changes: agentWindow 2.
    const two = new AgentDecay({ ...cfg, agentWindow: 2, agentMinSamples: 1 }, new Rng(1));
    two.addAgent();
    for (const [t, p] of [[0, 0], [1, 1], [2, 3]] as const) two.observe(t, [p], [0]);
    expect(two.samples(0)).toBe(1);
  });

  it('the exposure rate counts ticks since the agent joined; members without windows are not in the group rate', () => {
    const d = new AgentDecay({ ...cfg, agentMinSamples: 1 }, new Rng(1));
    d.addAgent();
    d.addAgent();
    // agent 0 is there from tick 0 and never has a window with variance; agent 1 joins at tick 10
    for (let t = 0; t <= 30; t++) d.observe(t, t >= 10 ? [5, t % 2 ? t : 0.5 * t] : [5], [1, t * 0.2]);
    const p = d.agentParams(1, [1, 4]);
    expect(p.exposure_per_tick).toBeCloseTo(4 / 21, 12);
    expect(d.samples(0)).toBe(0);
    expect(d.groupParams('g', [0, 1], [1, 4]).exposure_per_tick).toBeCloseTo(4 / 21, 12);
    // Not decaying: no half-life in ticks either.
    const flat = d.agentParams(1, [1, 4]);
    if (!flat.decays) expect(flat.half_life_ticks).toBeNull();
  });

  it('a non-decaying fit has no half-life in ticks and is not significant', () => {
    const d = new AgentDecay({ ...cfg, agentMinSamples: 3 }, new Rng(1));
    d.addAgent();
    const ch: number[] = [0];
    for (let w = 0; w < 6; w++) for (let k = 0; k < 4; k++) ch.push((k % 2 ? 1 : -1) + 0.1 * (w + 1));
    drive(d, ch, (t) => t / 4);
    const p = d.agentParams(0, [6]);
    expect(p).toMatchObject({ decays: false, half_life: null, half_life_ticks: null, significant: false });
  });

  it('resamplesFor: all resamples for one agent, fewer for large groups, never below the floor; 0 stays 0', () => {
    expect(resamplesFor(200, 200)).toBe(200);
    expect(resamplesFor(BOOTSTRAP_BUDGET / 100, 200)).toBe(100);
    expect(resamplesFor(BOOTSTRAP_BUDGET / 150 + 1, 200)).toBe(149);
    expect(resamplesFor(1_000_000, 200)).toBe(MIN_RESAMPLES);
    expect(resamplesFor(1_000_000, 20)).toBe(20);
    expect(resamplesFor(0, 30)).toBe(30);
    expect(resamplesFor(10, 0)).toBe(0);
    expect(resamplesFor(10, 1)).toBe(1);
    expect(resamplesFor(10, 7.9)).toBe(7);
    expect([BOOTSTRAP_BUDGET, MIN_RESAMPLES]).toEqual([400_000, 50]);
  });
});
