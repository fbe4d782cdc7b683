import { describe, expect, it } from 'vitest';
import { blockBootstrapHalfLife, fitExponentialLevels } from '../../src/crowding/exponential-fit.js';
import { Rng } from '../../src/rng.js';

/** y = a exp(-λ x) + N(0, sd) on x evenly spread over [0, xMax]. */
function data(a: number, lambda: number, sd: number, n = 200, xMax = 3, seed = 1) {
  const rng = new Rng(seed);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    xs[k] = (xMax * k) / (n - 1);
    ys[k] = a * Math.exp(-lambda * xs[k]!) + rng.normal(0, sd);
  }
  return { xs, ys };
}

describe('fitExponentialLevels (least squares in levels)', () => {
  it('recovers a and lambda within 5% from clean-ish data, with half-life ln2/lambda and a high R²', () => {
    const { xs, ys } = data(0.8, 1.2, 0.02);
    const f = fitExponentialLevels(xs, ys);
    expect(f.decays).toBe(true);
    expect(f.reason).toBeNull();
    expect(f.a).toBeGreaterThan(0.8 * 0.95);
    expect(f.a).toBeLessThan(0.8 * 1.05);
    expect(f.lambda).toBeGreaterThan(1.2 * 0.95);
    expect(f.lambda).toBeLessThan(1.2 * 1.05);
    expect(f.halfLife).toBeCloseTo(Math.LN2 / f.lambda, 12);
    expect(f.r2).toBeGreaterThan(0.95);
    expect(f.samples).toBe(200);
  });

  it('is exact on noiseless data (the profile refinement converges)', () => {
    const { xs, ys } = data(1.5, 0.7, 0);
    const f = fitExponentialLevels(xs, ys);
    expect(f.lambda).toBeCloseTo(0.7, 6);
    expect(f.a).toBeCloseTo(1.5, 6);
    expect(f.r2).toBeCloseTo(1, 9);
  });

  it('keeps negative values negative (no floor): Sharpe falling through zero is not an exponential decay to zero', () => {
    // a straight line from +0.5 to -0.5: the old log(max(y, 0.001)) fit called this fast decay
    const xs = Float64Array.from({ length: 100 }, (_, k) => k / 33);
    const ys = Float64Array.from(xs, (x) => 0.5 - x / 3);
    const f = fitExponentialLevels(xs, ys);
    // an exponential toward 0 cannot reach -0.5: the fit explains the data only partly
    expect(f.r2).toBeLessThan(0.9);
    const negative = fitExponentialLevels(xs, Float64Array.from(ys, (y) => y - 1));
    expect(negative.decays).toBe(false);
    expect(negative.halfLife).toBeNull();
    expect(negative.reason).toMatch(/no positive alpha|flat|no more than a constant/);
  });

  it('no decay in pure noise around a positive level: no half-life, and says why', () => {
    const { xs, ys } = data(0, 0, 0.3, 200, 3, 5);
    const shifted = Float64Array.from(ys, (y) => y + 0.2);
    const f = fitExponentialLevels(xs, shifted);
    if (f.decays) {
      // noise may favour a very slow decay; then it must explain almost nothing
      expect(f.r2).toBeLessThan(0.05);
    } else {
      expect(f.halfLife).toBeNull();
      expect(f.reason).not.toBeNull();
    }
  });

  it('a rising Sharpe is not decay', () => {
    const xs = Float64Array.from({ length: 50 }, (_, k) => k / 10);
    const ys = Float64Array.from(xs, (x) => 0.1 + 0.2 * x);
    const f = fitExponentialLevels(xs, ys);
    expect(f.decays).toBe(false);
    expect(f.halfLife).toBeNull();
    expect(f.lambda).toBe(0);
    expect(f.a).toBeCloseTo(ys.reduce((s, y) => s + y, 0) / ys.length, 12);
  });

  it('refuses degenerate inputs with a reason', () => {
    expect(fitExponentialLevels([1, 2], [1, 0.5]).reason).toBe('fewer than 3 samples');
    expect(fitExponentialLevels([1, 1, 1], [1, 0.5, 0.2]).reason).toBe('exposure does not vary across the samples');
    expect(fitExponentialLevels([0, 1, 2], [0.4, 0.4, 0.4]).reason).toBe('the Sharpe does not vary across the samples');
  });
});

describe('blockBootstrapHalfLife', () => {
  const opts = { resamples: 300, level: 0.9, blockLength: 5 };

  it('a 90% interval around the point half-life, narrower than the 99% one and not the min/max', () => {
    const { xs, ys } = data(0.8, 1.2, 0.15, 200, 3, 9);
    const point = fitExponentialLevels(xs, ys).halfLife!;
    const ci = blockBootstrapHalfLife(xs, ys, [[0, 200]], opts, new Rng(3))!;
    expect(ci.level).toBe(0.9);
    expect(ci.resamples).toBe(300);
    expect(ci.blockLength).toBe(5);
    expect(ci.lower!).toBeLessThan(point);
    expect(ci.upper!).toBeGreaterThan(point);
    const wide = blockBootstrapHalfLife(xs, ys, [[0, 200]], { ...opts, level: 0.99 }, new Rng(3))!;
    expect(wide.lower!).toBeLessThan(ci.lower!);
    expect(wide.upper!).toBeGreaterThan(ci.upper!);
    const all = blockBootstrapHalfLife(xs, ys, [[0, 200]], { ...opts, level: 1 }, new Rng(3))!;
    expect(all.lower!).toBeLessThan(wide.lower!);
  });

  it('one block spanning the whole sequence reproduces the data: the interval collapses onto the point estimate', () => {
    const { xs, ys } = data(0.8, 1.2, 0.15, 60, 3, 4);
    const point = fitExponentialLevels(xs, ys).halfLife!;
    const ci = blockBootstrapHalfLife(xs, ys, [[0, 60]], { resamples: 20, level: 0.9, blockLength: 60 }, new Rng(1))!;
    expect(ci.lower).toBeCloseTo(point, 9);
    expect(ci.upper).toBeCloseTo(point, 9);
  });

  it('a sequence shorter than the block length is drawn whole, and every resample has as many samples as the data', () => {
    // two sequences of 4 with blocks of 10: each draw is one whole sequence (two of them per resample)
    const xs = Float64Array.from([0, 1, 2, 3, 0, 1, 2, 3]);
    const ys = Float64Array.from([1, 0.5, 0.25, 0.125, 1, 0.5, 0.25, 0.125]);
    const ci = blockBootstrapHalfLife(xs, ys, [[0, 4], [4, 8]], { resamples: 10, level: 0.9, blockLength: 10 }, new Rng(1))!;
    // every resample is the same noiseless halving per unit: half-life exactly 1
    expect(ci.lower).toBeCloseTo(1, 6);
    expect(ci.upper).toBeCloseTo(1, 6);
  });

  it('null without resamples or data', () => {
    expect(blockBootstrapHalfLife(new Float64Array(0), new Float64Array(0), [], opts, new Rng(1))).toBeNull();
    const { xs, ys } = data(1, 1, 0.1, 20);
    expect(blockBootstrapHalfLife(xs, ys, [[0, 20]], { ...opts, resamples: 0 }, new Rng(1))).toBeNull();
  });
});
