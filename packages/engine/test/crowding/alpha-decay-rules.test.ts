import { describe, expect, it } from 'vitest';
import { AlphaDecay } from '../../src/crowding/alpha-decay.js';
import { fitLogLinear } from '../../src/crowding/exponential-fit.js';
import { defaultConfig } from '../../src/config.js';
import { Rng } from '../../src/rng.js';

// The original alpha-decay estimator's rules on small exact cases: the Sharpe proxy (population
// std over the window), exposure accumulation, the sample ring, the floored log fit, the curve, the
// bootstrap's level and stream, the cache and checkpoints. Small windows and few resamples keep it
// cheap enough to run per mutant.

const cfg = { ...defaultConfig().alphaDecay, sharpeWindow: 4, minSharpeSamples: 3, minFitSamples: 4, maxSamples: 6, curvePoints: 3, bootstrapSamples: 25 };

function proxyOf(changes: number[]): number | null {
  const m = changes.reduce((a, b) => a + b, 0) / changes.length;
  const v = changes.reduce((a, b) => a + (b - m) ** 2, 0) / changes.length;
  return m / Math.sqrt(v);
}

describe('AlphaDecay: the Sharpe proxy', () => {
  it('is mean / population std of the last sharpeWindow changes; null below minSharpeSamples or without variance', () => {
    const d = new AlphaDecay(cfg, new Rng(1));
    d.addAgent();
    d.addAgent();
    const pnl = [[10, 0], [11, 0], [13, 0], [12, 0], [16, 0], [15, 0], [15, 0], [20, 0]];
    const seen: (number | null)[] = [];
    for (const p of pnl) {
      d.recordPnl(p);
      seen.push(d.sharpeProxy(0));
    }
    const ch = [1, 2, -1, 4, -1, 0, 5];
    expect(seen.slice(0, 3)).toEqual([null, null, null]); // 0, 1, 2 changes
    expect(seen[3]).toBeCloseTo(proxyOf(ch.slice(0, 3))!, 12);
    expect(seen[4]).toBeCloseTo(proxyOf(ch.slice(0, 4))!, 12);
    // the window keeps the last 4 changes
    expect(seen[5]).toBeCloseTo(proxyOf(ch.slice(1, 5))!, 12);
    expect(seen[6]).toBeCloseTo(proxyOf(ch.slice(2, 6))!, 12);
    expect(seen[7]).toBeCloseTo(proxyOf(ch.slice(3, 7))!, 12);
    // agent 1's PnL never moves: no variance, no proxy
    expect(d.sharpeProxy(1)).toBeNull();
    // an unknown agent has none
    expect(d.sharpeProxy(7)).toBeNull();
  });

  it('PnL arrays shorter than the agents leave the others untouched', () => {
    const d = new AlphaDecay({ ...cfg, minSharpeSamples: 1 }, new Rng(1));
    d.addAgent();
    d.addAgent();
    for (const p of [0, 1, 3]) d.recordPnl([p]);
    expect(d.sharpeProxy(0)).toBeCloseTo(proxyOf([1, 2])!, 12);
    expect(d.sharpeProxy(1)).toBeNull();
  });

  it('a single agent has its own proxy (storage exists from the first agent)', () => {
    const d = new AlphaDecay({ ...cfg, minSharpeSamples: 2 }, new Rng(1));
    expect(d.addAgent()).toBe(0);
    for (const p of [0, 1, 3, 2]) d.recordPnl([p]);
    expect(d.sharpeProxy(0)).toBeCloseTo(proxyOf([1, 2, -1])!, 12);
    d.observeCrowding([0.5], [1]);
    expect(d.exposure[0]).toBe(0.5);
    expect(d.sampleCount).toBe(1);
  });

  it('the window re-sums exactly each lap: a proxy after many laps equals the direct one', () => {
    const d = new AlphaDecay({ ...cfg, minSharpeSamples: 1 }, new Rng(1));
    d.addAgent();
    d.addAgent();
    const rng = new Rng(6);
    const ch: number[] = [];
    let p = 0;
    d.recordPnl([0, 0]);
    for (let t = 0; t < 23; t++) {
      const c = 1e3 * (t % 5 === 0 ? 1 : 0) + rng.normal(0.3, 1);
      ch.push(c);
      p += c;
      d.recordPnl([p, -p]);
      const w = ch.slice(-4);
      if (w.length < 2) continue;
      expect(d.sharpeProxy(0)).toBeCloseTo(proxyOf(w)!, 7);
      expect(d.sharpeProxy(1)).toBeCloseTo(-proxyOf(w)!, 7);
    }
  });

  it('minSharpeSamples 0 still needs one change', () => {
    const d = new AlphaDecay({ ...cfg, minSharpeSamples: 0 }, new Rng(1));
    d.addAgent();
    d.recordPnl([5]);
    expect(d.sharpeProxy(0)).toBeNull();
  });
});

describe('AlphaDecay: exposure and samples', () => {
  it('e = clip(max(Phi, 0) × (base + weight × activity), 0, 1) accumulates; a sample per agent with a proxy', () => {
    const d = new AlphaDecay({ ...cfg, exposureBase: 0.25, exposureActivityWeight: 0.5, minSharpeSamples: 1 }, new Rng(1));
    for (let i = 0; i < 3; i++) d.addAgent();
    d.recordPnl([0, 0, 0]);
    d.recordPnl([1, 2, 0]);
    d.recordPnl([3, 1, 0]);
    d.observeCrowding([0.8, -0.5, 0.9, 1], [0.5, 1, 1, 1]);
    // 0.8 × (0.25 + 0.25) = 0.4; negative Phi: 0; 0.9 × 0.75 = 0.675
    expect(Array.from(d.exposure.subarray(0, 3))).toEqual([0.4, 0, 0.675]);
    // agents 0 and 1 have a proxy; agent 2 (flat) none
    expect(d.sampleCount).toBe(2);
    d.observeCrowding([4, 4, 4], [2, 2, 2]);
    // 4 × 1.25 = 5, clipped to 1
    expect(Array.from(d.exposure.subarray(0, 3))).toEqual([1.4, 1, 1.675]);
    expect(d.sampleCount).toBe(4);
    // Fewer Phi values than agents: only those agents move.
    d.observeCrowding([0.5], [0, 0, 0]);
    expect(Array.from(d.exposure.subarray(0, 3))).toEqual([1.525, 1, 1.675]);
  });

  it('keeps the last maxSamples samples; the fit uses exactly those, floored at sharpeFloor before the log', () => {
    const d = new AlphaDecay(cfg, new Rng(2));
    d.addAgent();
    d.addAgent();
    const all: [number, number, number][] = [];
    for (let k = 0; k < 9; k++) {
      const s = k === 7 ? -0.5 : 2 * Math.exp(-0.4 * k) * (1 + 0.05 * (k % 3));
      all.push([k % 2, k, s]);
      d.addSample(k % 2, k, s);
    }
    expect(d.sampleCount).toBe(6);
    const kept = all.slice(3);
    const f = d.fit();
    const want = fitLogLinear(kept.map((s) => s[1]), kept.map((s) => Math.log(Math.max(s[2], cfg.sharpeFloor))));
    expect(f.samples).toBe(6);
    expect(f.lambda).toBeCloseTo(want.lambda, 12);
    expect(f.alphaMax).toBeCloseTo(want.alphaMax, 12);
    expect(f.r2).toBeCloseTo(want.r2, 12);
    expect(f.halfLife).toBeCloseTo(Math.LN2 / want.lambda, 12);
    // The curve: curvePoints points from exposure 0 to the largest kept exposure.
    expect(f.curve.map((p) => p.exposure)).toEqual([0, 4, 8]);
    f.curve.forEach((p) => expect(p.sharpe).toBeCloseTo(want.alphaMax * Math.exp(-want.lambda * p.exposure), 12));
    // One agent's samples only (agent 1: k = 3, 5, 7).
    const a1 = new AlphaDecay({ ...cfg, minFitSamples: 3 }, new Rng(2));
    a1.addAgent();
    a1.addAgent();
    for (const [agent, x, s] of all) a1.addSample(agent, x, s);
    const g = a1.fitAgent(1);
    const a1kept = kept.filter((s) => s[0] === 1);
    expect(g.samples).toBe(3);
    expect(g.lambda).toBeCloseTo(fitLogLinear(a1kept.map((s) => s[1]), a1kept.map((s) => Math.log(Math.max(s[2], cfg.sharpeFloor)))).lambda, 12);
    expect(a1.fitAgent(0).samples).toBe(3);
  });

  it('below minFitSamples: no fit, no curve, no interval; a flat or rising proxy has no half-life', () => {
    const d = new AlphaDecay(cfg, new Rng(3));
    d.addAgent();
    for (let k = 0; k < 3; k++) d.addSample(0, k, 1 - 0.1 * k);
    expect(d.fit()).toEqual({ samples: 3, alphaMax: null, lambda: null, halfLife: null, r2: null, curve: [], halfLifeCi: null });
    d.addSample(0, 3, 0.7);
    expect(d.fit().samples).toBe(4);
    expect(d.fit().halfLife).not.toBeNull();
    const up = new AlphaDecay(cfg, new Rng(3));
    up.addAgent();
    for (let k = 0; k < 5; k++) up.addSample(0, k, 1 + 0.1 * k);
    expect(up.fit().lambda).toBe(0);
    expect(up.fit().halfLife).toBeNull();
    // curvePoints below 2 still draws two points
    const two = new AlphaDecay({ ...cfg, curvePoints: 0 }, new Rng(3));
    two.addAgent();
    for (let k = 0; k < 5; k++) two.addSample(0, k, 1 - 0.1 * k);
    expect(two.fit().curve.map((p) => p.exposure)).toEqual([0, 4]);
  });
});

describe('AlphaDecay: the bootstrap interval and the cache', () => {
  function decaying(seed: number, opts = cfg) {
    const d = new AlphaDecay({ ...opts, maxSamples: 40 }, new Rng(seed));
    d.addAgent();
    const noise = new Rng(99);
    for (let k = 0; k < 30; k++) d.addSample(0, k / 10, 1.5 * Math.exp(-0.8 * (k / 10)) * Math.exp(noise.normal(0, 0.2)));
    return d;
  }

  it('reports its level and resample count; a wider level gives a wider interval, same stream', () => {
    const f = decaying(1).fit();
    expect(f.halfLifeCi).toMatchObject({ level: 0.9, resamples: 25 });
    const wide = decaying(1, { ...cfg, bootstrapLevel: 0.99 }).fit().halfLifeCi!;
    expect(wide.level).toBe(0.99);
    expect(wide.lower!).toBeLessThan(f.halfLifeCi!.lower!);
    expect(wide.upper!).toBeGreaterThan(f.halfLifeCi!.upper!);
    expect(f.halfLifeCi!.lower!).toBeLessThan(f.halfLife!);
    expect(f.halfLifeCi!.upper!).toBeGreaterThan(f.halfLife!);
  });

  it('the interval depends on the data and seed, not on how often it is asked; the fit is cached until a new sample', () => {
    const a = decaying(5);
    const first = a.fit();
    expect(a.fit()).toBe(first);
    const b = decaying(5);
    b.fitAgent(0);
    b.fitAgent(0);
    expect(b.fit()).toEqual(first);
    expect(decaying(6).fit().halfLifeCi).not.toEqual(first.halfLifeCi);
    a.addSample(0, 3, 0.2);
    const next = a.fit();
    expect(next).not.toBe(first);
    expect(next.samples).toBe(31);
    // a pooled fit and one agent's fit over the same samples use different streams
    expect(a.fitAgent(0).halfLifeCi).not.toEqual(next.halfLifeCi);
    expect(a.fitAgent(0).lambda).toBe(next.lambda);
    // no resamples: no interval
    expect(decaying(1, { ...cfg, bootstrapSamples: 0 }).fit().halfLifeCi).toBeNull();
  });

  it('restores from a checkpoint to the same fit; refuses a different population or sample capacity', () => {
    const a = new AlphaDecay({ ...cfg, minSharpeSamples: 1 }, new Rng(4));
    for (let i = 0; i < 9; i++) a.addAgent();
    const r = new Rng(8);
    const pnl = new Array(9).fill(0);
    for (let t = 0; t < 12; t++) {
      for (let i = 0; i < 9; i++) pnl[i] += r.normal(0.1, 1);
      a.recordPnl(pnl);
      a.observeCrowding(pnl.map((_, i) => 0.1 * i), pnl.map(() => 0.5));
    }
    const saved = JSON.parse(JSON.stringify(a.saveState()));
    const b = new AlphaDecay({ ...cfg, minSharpeSamples: 1 }, new Rng(4));
    for (let i = 0; i < 9; i++) b.addAgent();
    b.fit(); // a cached fit is dropped by the restore
    b.loadState(saved);
    expect(b.fit()).toEqual(a.fit());
    expect(b.sharpeProxy(3)).toBe(a.sharpeProxy(3));
    for (let i = 0; i < 9; i++) pnl[i] += 1 + i;
    a.recordPnl(pnl);
    b.recordPnl(pnl);
    a.observeCrowding(pnl.map(() => 0.3), pnl.map(() => 1));
    b.observeCrowding(pnl.map(() => 0.3), pnl.map(() => 1));
    expect(b.fit()).toEqual(a.fit());
    expect(Array.from(b.exposure.subarray(0, 9))).toEqual(Array.from(a.exposure.subarray(0, 9)));
    const c = new AlphaDecay(cfg, new Rng(4));
    c.addAgent();
    expect(() => c.loadState(saved, 'here')).toThrow(/here: snapshot has 9 agents, this model 1/);
    const d = new AlphaDecay({ ...cfg, maxSamples: 7 }, new Rng(4));
    for (let i = 0; i < 9; i++) d.addAgent();
    expect(() => d.loadState(saved)).toThrow(/AlphaDecay/);
  });

  it('rejects windows and sample counts that are not integers of the right size, naming the option', () => {
    expect(() => new AlphaDecay({ ...cfg, sharpeWindow: 1 }, new Rng(1))).toThrow('alphaDecay.sharpeWindow must be an integer >= 2, got 1');
    expect(() => new AlphaDecay({ ...cfg, sharpeWindow: 2.5 }, new Rng(1))).toThrow(/sharpeWindow .* got 2.5/);
    expect(() => new AlphaDecay({ ...cfg, maxSamples: 0 }, new Rng(1))).toThrow('alphaDecay.maxSamples must be a positive integer, got 0');
    expect(new AlphaDecay({ ...cfg, sharpeWindow: 2, maxSamples: 1 }, new Rng(1)).sampleCount).toBe(0);
  });
});
