import { describe, expect, it } from 'vitest';
import {
  blockBootstrapHalfLife,
  fitExponentialLevels,
  fitLogLinear,
  levelsHalfLife,
  LOG_LINEAR_LAMBDA_EPS,
  logLinearHalfLife,
  percentileBounds,
  sharedGrid,
  type HalfLifeEstimator,
} from '../../src/crowding/exponential-fit.js';
import { Rng } from '../../src/rng.js';

// The rules of the decay fits and of the block bootstrap on small exact cases (cheap enough to run
// per mutant); exponential-fit.test.ts shows the estimators on noisy data.

describe('percentileBounds: the interval level, interpolated; infinite bounds are null', () => {
  const s = Float64Array.from({ length: 11 }, (_, k) => k + 1); // 1..11

  it('takes the (1 − level)/2 and (1 + level)/2 quantiles, not the min and max', () => {
    const b80 = percentileBounds(s, 0.8);
    expect(b80.lower).toBeCloseTo(2, 12);
    expect(b80.upper).toBeCloseTo(10, 12);
    const b90 = percentileBounds(s, 0.9);
    expect(b90.lower).toBeCloseTo(1.5, 12);
    expect(b90.upper).toBeCloseTo(10.5, 12);
    expect(percentileBounds(s, 1)).toEqual({ lower: 1, upper: 11 });
    expect(percentileBounds(s, 0)).toEqual({ lower: 6, upper: 6 });
  });

  it('a bound that falls among non-decaying resamples (Infinity) is null; equal neighbours give their value', () => {
    const inf = Float64Array.from([1, 2, Infinity, Infinity]);
    expect(percentileBounds(inf, 0.5)).toEqual({ lower: 1.75, upper: null });
    expect(percentileBounds(Float64Array.from([1, Infinity]), 0)).toEqual({ lower: null, upper: null });
    expect(percentileBounds(Float64Array.from([3, 3, 3]), 0.9)).toEqual({ lower: 3, upper: 3 });
    expect(percentileBounds(Float64Array.from([5]), 0.9)).toEqual({ lower: 5, upper: 5 });
  });
});

describe('blockBootstrapHalfLife: what a resample is', () => {
  /** An estimator that records every resample and returns its weighted mean of y. */
  function recorder() {
    const seen: { x: number[]; y: number[]; w: number[]; idx: number[] }[] = [];
    const est: HalfLifeEstimator = () => (ux, uy, uw, idx) => {
      seen.push({ x: [...ux], y: [...uy], w: [...uw], idx: [...idx] });
      let s = 0;
      let n = 0;
      for (let u = 0; u < uy.length; u++) {
        s += uw[u]! * uy[u]!;
        n += uw[u]!;
      }
      return s / n > 4.5 ? null : s / n;
    };
    return { seen, est };
  }
  const xs = Float64Array.from({ length: 10 }, (_, k) => k * 10);
  const ys = Float64Array.from({ length: 10 }, (_, k) => k);

  it('each resample has as many samples as the data, distinct samples weighted by their repeats', () => {
    const { seen, est } = recorder();
    const ci = blockBootstrapHalfLife(xs, ys, [[0, 10]], { resamples: 40, level: 0.5, blockLength: 3 }, new Rng(2), est)!;
    expect(seen).toHaveLength(40);
    for (const r of seen) {
      expect(r.w.reduce((a, b) => a + b, 0)).toBe(10);
      expect(new Set(r.idx).size).toBe(r.idx.length);
      r.idx.forEach((k, u) => {
        expect(r.x[u]).toBe(xs[k]);
        expect(r.y[u]).toBe(ys[k]);
        expect(r.w[u]).toBeGreaterThan(0);
      });
    }
    // The interval is the level's percentiles of what the estimator returned (null as Infinity).
    const lives = Float64Array.from(seen.map((r) => {
      const m = r.w.reduce((a, w, u) => a + w * r.y[u]!, 0) / 10;
      return m > 4.5 ? Infinity : m;
    })).sort();
    expect(ci).toEqual({ level: 0.5, ...percentileBounds(lives, 0.5), resamples: 40, blockLength: 3 });
    expect(lives.some((v) => !Number.isFinite(v))).toBe(true);
  });

  it('blocks are consecutive samples and never cross from one sequence into the next', () => {
    const { seen, est } = recorder();
    // Sequence [0, 2) is shorter than a block: drawn whole. Blocks of 4 in [2, 10) start at 2..6.
    blockBootstrapHalfLife(xs, ys, [[0, 2], [2, 10]], { resamples: 200, level: 0.9, blockLength: 4 }, new Rng(5), est);
    let sawFirst = false;
    const startsSeen = new Set<number>();
    for (const r of seen) {
      const count = (k: number) => r.w[r.idx.indexOf(k)] ?? 0;
      // 0 and 1 only ever come together (one block), and a block from 0 stops at 2.
      expect(count(0)).toBe(count(1));
      if (count(0) > 0) sawFirst = true;
      // 9 is reached only from the block start 6, which brings 6, 7, 8 with it (unless the resample ends first)
      expect(count(9)).toBeLessThanOrEqual(count(8));
      expect(count(2)).toBeLessThanOrEqual(count(3));
      // the order of distinct samples is the order they were first drawn: a block's samples are adjacent
      for (let u = 0; u + 1 < r.idx.length; u++) if (r.idx[u] !== 9 && r.idx[u] !== 1 && r.idx[u + 1]! > r.idx[u]!) startsSeen.add(r.idx[u + 1]! - r.idx[u]!);
    }
    expect(sawFirst).toBe(true);
    expect(startsSeen.has(1)).toBe(true);
  });

  it('block length 1 draws single samples; a fractional block length and resample count are floored; below 1 is 1', () => {
    const { seen, est } = recorder();
    const ci = blockBootstrapHalfLife(xs, ys, [[0, 10]], { resamples: 7.9, level: 0.9, blockLength: 2.7 }, new Rng(1), est)!;
    expect(ci.resamples).toBe(7);
    expect(ci.blockLength).toBe(2);
    expect(seen).toHaveLength(7);
    expect(blockBootstrapHalfLife(xs, ys, [[0, 10]], { resamples: 3, level: 0.9, blockLength: 0 }, new Rng(1), est)!.blockLength).toBe(1);
    // With blocks of 1, some sample is repeated and some left out in nearly every resample.
    const one = recorder();
    blockBootstrapHalfLife(xs, ys, [[0, 10]], { resamples: 20, level: 0.9, blockLength: 1 }, new Rng(3), one.est);
    expect(one.seen.filter((r) => r.idx.length < 10).length).toBeGreaterThan(15);
  });

  it('is seeded; null with no resamples, no data or no block start', () => {
    const a = blockBootstrapHalfLife(xs, ys, [[0, 10]], { resamples: 30, level: 0.9, blockLength: 2 }, new Rng(9), recorder().est);
    const b = blockBootstrapHalfLife(xs, ys, [[0, 10]], { resamples: 30, level: 0.9, blockLength: 2 }, new Rng(9), recorder().est);
    expect(a).toEqual(b);
    expect(blockBootstrapHalfLife(xs, ys, [[0, 10]], { resamples: 0.5, level: 0.9, blockLength: 2 }, new Rng(1))).toBeNull();
    expect(blockBootstrapHalfLife(xs, ys, [], { resamples: 5, level: 0.9, blockLength: 2 }, new Rng(1))).toBeNull();
    expect(blockBootstrapHalfLife(xs, ys, [[3, 3]], { resamples: 5, level: 0.9, blockLength: 2 }, new Rng(1))).toBeNull();
  });
});

describe('fitLogLinear (the original estimator’s OLS of log Sharpe)', () => {
  it('recovers ln y = ln a − λ x exactly; a rising line is λ = 0; r² of a noisy line', () => {
    const xs = [0, 1, 2, 3];
    const f = fitLogLinear(xs, xs.map((x) => 2 - 0.5 * x));
    expect(f.alphaMax).toBeCloseTo(Math.exp(2), 12);
    expect(f.lambda).toBeCloseTo(0.5, 12);
    expect(f.r2).toBeCloseTo(1, 12);
    const up = fitLogLinear(xs, xs.map((x) => 1 + x));
    expect(up.lambda).toBe(0);
    expect(up.alphaMax).toBeCloseTo(Math.E, 12);
    // y = 0, 1, 1, 3 against x: slope 0.9, intercept −0.1, r² 1 − 0.7/4.75
    const noisy = fitLogLinear(xs, [0, -1, -1, -3]);
    expect(noisy.lambda).toBeCloseTo(0.9, 12);
    expect(noisy.alphaMax).toBeCloseTo(Math.exp(0.1), 12);
    expect(noisy.r2).toBeCloseTo(1 - 0.7 / 4.75, 12);
    expect(fitLogLinear(xs, [1, 1, 1, 1]).r2).toBe(1);
  });

  it('weights count as repeats; no spread in x (or one sample) gives exp(mean y) and no decay', () => {
    const w = fitLogLinear([0, 1, 2], [1, 0.5, -1], [2, 1, 3]);
    const rep = fitLogLinear([0, 0, 1, 2, 2, 2], [1, 1, 0.5, -1, -1, -1]);
    expect(w.lambda).toBeCloseTo(rep.lambda, 12);
    expect(w.alphaMax).toBeCloseTo(rep.alphaMax, 12);
    expect(w.r2).toBeCloseTo(rep.r2, 12);
    expect(fitLogLinear([2, 2, 2], [0, 1, 2])).toEqual({ alphaMax: Math.exp(1), lambda: 0, r2: 0 });
    expect(fitLogLinear([2], [3])).toEqual({ alphaMax: Math.exp(3), lambda: 0, r2: 0 });
    expect(fitLogLinear([], [])).toEqual({ alphaMax: 1, lambda: 0, r2: 0 });
  });

  it('its half-life is ln 2 / λ, null below LOG_LINEAR_LAMBDA_EPS', () => {
    const xs = Float64Array.from([0, 1, 2, 3]);
    const h = logLinearHalfLife(xs, xs);
    expect(h(xs, Float64Array.from(xs, (x) => -0.25 * x), Float64Array.from([1, 1, 1, 1]), Int32Array.from([0, 1, 2, 3]))).toBeCloseTo(Math.LN2 / 0.25, 12);
    expect(h(xs, Float64Array.from(xs, (x) => 0.25 * x), Float64Array.from([1, 1, 1, 1]), Int32Array.from([0, 1, 2, 3]))).toBeNull();
    expect(h(xs, Float64Array.from(xs, (x) => -0.5 * LOG_LINEAR_LAMBDA_EPS * x), Float64Array.from([1, 1, 1, 1]), Int32Array.from([0, 1, 2, 3]))).toBeNull();
    expect(LOG_LINEAR_LAMBDA_EPS).toBe(1e-9);
  });
});

describe('fitExponentialLevels: why there is no half-life', () => {
  const xs = Float64Array.from({ length: 12 }, (_, k) => k);

  it('a rising series: the best fit is flat', () => {
    const f = fitExponentialLevels(xs, Float64Array.from(xs, (x) => 0.1 + 0.05 * x));
    expect(f.reason).toMatch(/^no decay: the best fit is flat/);
    expect(f).toMatchObject({ decays: false, lambda: 0, halfLife: null, r2: 0, samples: 12 });
  });

  it('a single spike at the start: faster than the samples are spaced', () => {
    const f = fitExponentialLevels(xs, Float64Array.from(xs, (x) => (x === 0 ? 1 : 0)));
    expect(f.reason).toMatch(/^no exponential decay resolvable/);
    expect(f.halfLife).toBeNull();
  });

  it('a negative level decaying toward 0 from below: no positive alpha', () => {
    const f = fitExponentialLevels(xs, Float64Array.from(xs, (x) => -Math.exp(-0.3 * x)));
    expect(f.reason).toMatch(/^no positive alpha to decay/);
    expect(f.decays).toBe(false);
  });

  it('a decaying series: a, λ and r² from the least squares in levels, samples the weight total', () => {
    const ys = Float64Array.from(xs, (x) => 2 * Math.exp(-0.3 * x));
    const f = fitExponentialLevels(xs, ys);
    expect(f.decays).toBe(true);
    expect(f.a).toBeCloseTo(2, 8);
    expect(f.lambda).toBeCloseTo(0.3, 8);
    expect(f.halfLife).toBeCloseTo(Math.LN2 / 0.3, 6);
    expect(f.r2).toBeCloseTo(1, 10);
    // Weights are repeats: weighting each sample 2 is the same fit, twice the samples.
    const w = fitExponentialLevels(xs, ys, Float64Array.from(xs, () => 2));
    expect(w.samples).toBe(24);
    expect(w.lambda).toBeCloseTo(f.lambda, 10);
    // With noise, r² = 1 − SSE/SST of the fitted curve.
    const noisy = Float64Array.from(ys, (y, k) => y + (k % 2 ? 0.05 : -0.05));
    const n = fitExponentialLevels(xs, noisy);
    const mean = noisy.reduce((a, b) => a + b, 0) / 12;
    const sst = noisy.reduce((a, y) => a + (y - mean) ** 2, 0);
    const sse = noisy.reduce((a, y, k) => a + (y - n.a * Math.exp(-n.lambda * xs[k]!)) ** 2, 0);
    expect(n.r2).toBeCloseTo(1 - sse / sst, 10);
    // The least-squares optimum: a small change of λ (a re-fitted) only raises the SSE.
    for (const dl of [-1e-3, 1e-3]) {
      const l = n.lambda + dl;
      const e = Array.from(xs, (x) => Math.exp(-l * x));
      const a = e.reduce((s, v, k) => s + v * noisy[k]!, 0) / e.reduce((s, v) => s + v * v, 0);
      expect(noisy.reduce((s, y, k) => s + (y - a * e[k]!) ** 2, 0)).toBeGreaterThan(sse);
    }
  });

  it('the shared grid of the data gives each resample the point fit’s answer on the data itself', () => {
    const ys = Float64Array.from(xs, (x) => 1.5 * Math.exp(-0.2 * x) + (x % 3) * 0.01);
    const point = fitExponentialLevels(xs, ys);
    const fit = levelsHalfLife(xs, ys);
    expect(fit(xs, ys, Float64Array.from(xs, () => 1), Int32Array.from(xs, (_, k) => k))).toBeCloseTo(point.halfLife!, 9);
    const g = sharedGrid(xs)!;
    expect(g.m).toBe(12);
    expect(g.table).toHaveLength(32 * 12);
    // Half-lives from range / 200 to range × 200 over 32 log-spaced points.
    expect(g.lo).toBeCloseTo(Math.LN2 / (11 * 200), 15);
    expect(g.lo * Math.exp(g.step * 31)).toBeCloseTo((Math.LN2 * 200) / 11, 9);
    expect(g.table[5 * 12 + 3]).toBeCloseTo(Math.exp(-g.lo * Math.exp(g.step * 5) * 3), 15);
    expect(sharedGrid([4, 4, 4])).toBeNull();
  });
});

describe('fitExponentialLevels: degenerate data and the searched range', () => {
  it('refuses fewer than 3 samples (3 fit), x without spread, y without spread; nothing at all has level 0', () => {
    expect(fitExponentialLevels([1, 2], [1, 0.5]).reason).toBe('fewer than 3 samples');
    expect(fitExponentialLevels([0, 1, 2], [1, 0.6, 0.35]).decays).toBe(true);
    // weights count: two samples weighted 2 and 1 are three
    expect(fitExponentialLevels([0, 1], [1, 0.5], [2, 1]).reason).not.toBe('fewer than 3 samples');
    expect(fitExponentialLevels([1, 1, 1], [1, 0.5, 0.2]).reason).toBe('exposure does not vary across the samples');
    expect(fitExponentialLevels([0, 1, 2], [0.4, 0.4, 0.4]).reason).toBe('the Sharpe does not vary across the samples');
    expect(fitExponentialLevels([0, 1, 2], [0, 0, 0]).reason).toBe('the Sharpe does not vary across the samples');
    expect(fitExponentialLevels([], [])).toMatchObject({ a: 0, samples: 0, decays: false });
  });

  it('recovers noiseless decays exactly across the searched range, whatever the order of x and its offset', () => {
    for (const lambda of [0.05, 0.13, 0.3, 0.55, 0.9, 1.4, 2.2]) {
      // x from 1 to 12, shuffled: the range is max − min (11), not max or max + min
      const xs = [7, 1, 12, 4, 9, 2, 11, 5, 3, 10, 6, 8];
      const ys = xs.map((x) => 1.7 * Math.exp(-lambda * x));
      const f = fitExponentialLevels(xs, ys);
      expect(f.decays, `lambda ${lambda}`).toBe(true);
      expect(f.lambda, `lambda ${lambda}`).toBeCloseTo(lambda, 9);
      expect(f.a, `lambda ${lambda}`).toBeCloseTo(1.7, 8);
      const g = sharedGrid(xs)!;
      expect(g.lo).toBeCloseTo(Math.LN2 / (11 * 200), 15);
      expect(levelsHalfLife(Float64Array.from(xs), Float64Array.from(ys))(Float64Array.from(xs), Float64Array.from(ys), Float64Array.from(xs, () => 1), Int32Array.from(xs, (_, k) => k))).toBeCloseTo(Math.LN2 / lambda, 7);
    }
  });
});
