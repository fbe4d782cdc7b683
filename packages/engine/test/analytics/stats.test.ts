import { describe, expect, it } from 'vitest';
import { acf, autocorrelation, clip, excessKurtosis, mean, ols, quantile, quantileSorted, std, tQuantile975, variance } from '../../src/analytics/stats.js';
import { RollingQuantile } from '../../src/analytics/rolling-quantile.js';
import { Rng } from '../../src/rng.js';

describe('stats helpers', () => {
  it('excess kurtosis is m4/m2² - 3 (population moments)', () => {
    // symmetric two-point data: m2 = 1, m4 = 1 → 1 - 3 = -2
    expect(excessKurtosis([1, -1, 1, -1])).toBeCloseTo(-2, 12);
    expect(excessKurtosis([1, 1, 1, 1])).toBeNull();
  });

  it('lag-1 autocorrelation of an alternating series is close to -1', () => {
    const xs = Array.from({ length: 100 }, (_, k) => (k % 2 ? 1 : -1));
    expect(autocorrelation(xs, 1)).toBeCloseTo(-0.99, 12);
  });

  it('ols recovers an exact line with r² = 1', () => {
    const fit = ols([0, 1, 2, 3], [1, 3, 5, 7])!;
    expect(fit.slope).toBeCloseTo(2, 12);
    expect(fit.intercept).toBeCloseTo(1, 12);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(ols([1, 1, 1], [1, 2, 3])).toBeNull();
  });

  it('quantile interpolates linearly between ranks (numpy default)', () => {
    expect(quantile([10, 0, 20, 30], 0.9)).toBeCloseTo(27, 12);
  });
});

describe('stats helpers: every definition and every undefined case', () => {
  it('mean of nothing is 0; variance with ddof 0 or 1, null when n <= ddof; std its root', () => {
    expect(mean([])).toBe(0);
    expect(mean([1, 2, 6])).toBe(3);
    expect(variance([1, 3])).toBe(1);
    expect(variance([1, 3], 1)).toBe(2);
    expect(variance([5], 1)).toBeNull();
    expect(variance([])).toBeNull();
    expect(variance([4])).toBe(0);
    expect(std([1, 3, 1, 3])).toBe(1);
    expect(std([2, 6], 1)).toBeCloseTo(Math.sqrt(8), 14);
    expect(std([2], 1)).toBeNull();
  });

  it('excess kurtosis about the mean (not about 0), null under 4 values', () => {
    expect(excessKurtosis([3, 1, 3, 1])).toBeCloseTo(-2, 12);
    // d = -1, -1, -1, 3: m2 = 3, m4 = 21, 21 / 9 - 3
    expect(excessKurtosis([0, 0, 0, 4])).toBeCloseTo(21 / 9 - 3, 12);
    expect(excessKurtosis([0, 0, 4])).toBeNull();
  });

  it('autocorrelation with one mean and one denominator; null for lag < 1, too few values or no variance', () => {
    // d = -1.5, -0.5, 0.5, 1.5, den 5: lag 1 = 1.25 / 5, lag 2 = -1.5 / 5
    expect(autocorrelation([1, 2, 3, 4], 1)).toBeCloseTo(0.25, 14);
    expect(autocorrelation([1, 2, 3, 4], 2)).toBeCloseTo(-0.3, 14);
    expect(autocorrelation([1, 2, 3, 4], 3)).toBeNull();
    expect(autocorrelation([1, 2, 3, 4], 0)).toBeNull();
    expect(autocorrelation([2, 2, 2, 2], 1)).toBeNull();
    expect(acf([1, 2, 3, 4], 3)).toEqual([expect.closeTo(0.25, 14), expect.closeTo(-0.3, 14), null]);
  });

  it('quantiles: 0 for nothing, the value for one, q clipped to [0, 1], numeric sort', () => {
    expect(quantileSorted([], 0.5)).toBe(0);
    expect(quantileSorted([7], 0.9)).toBe(7);
    expect(quantileSorted([1, 2, 4], -1)).toBe(1);
    expect(quantileSorted([1, 2, 4], 2)).toBe(4);
    expect(quantileSorted([1, 2, 4], 0.75)).toBe(3);
    expect(quantileSorted([1, 2, 4], 1)).toBe(4);
    expect(quantile([100, 9, 10], 0.5)).toBe(10);
    expect(quantile([100, 9, 10], 0)).toBe(9);
  });

  it('clip keeps x inside [lo, hi]', () => {
    expect(clip(-1, 0, 2)).toBe(0);
    expect(clip(3, 0, 2)).toBe(2);
    expect(clip(1.5, 0, 2)).toBe(1.5);
    expect(clip(0, 0, 2)).toBe(0);
    expect(clip(2, 0, 2)).toBe(2);
  });

  it('ols: slope, intercept and r² of a noisy line; null for < 2 points or mismatched lengths; constant y has r² 1', () => {
    const fit = ols([0, 1, 2, 3], [0, 1, 1, 3])!;
    expect(fit.slope).toBeCloseTo(0.9, 14);
    expect(fit.intercept).toBeCloseTo(-0.1, 14);
    expect(fit.r2).toBeCloseTo(1 - 0.7 / 4.75, 14);
    expect(ols([1], [1])).toBeNull();
    expect(ols([1, 2, 3], [1, 2])).toBeNull();
    expect(ols([1, 2, 3], [5, 5, 5])).toEqual({ intercept: 5, slope: 0, r2: 1 });
  });

  it('t quantiles for a 95 % interval: the table for 1..30 degrees of freedom, 1.96 outside it', () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(2)).toBe(4.303);
    expect(tQuantile975(30)).toBe(2.042);
    expect(tQuantile975(31)).toBe(1.96);
    expect(tQuantile975(0)).toBe(1.96);
  });
});

describe('RollingQuantile', () => {
  it('is 0 when empty, counts up to its capacity, reads non-finite values as 0, clips q', () => {
    const rq = new RollingQuantile(3);
    expect(rq.quantile(0.5)).toBe(0);
    rq.push(5);
    rq.push(Number.NaN);
    expect(rq.length).toBe(2);
    expect([rq.quantile(0), rq.quantile(1)]).toEqual([0, 5]);
    rq.push(Infinity);
    rq.push(9); // the 5 leaves
    expect(rq.length).toBe(3);
    expect([rq.quantile(-1), rq.quantile(0.5), rq.quantile(2)]).toEqual([0, 0, 9]);
  });

  it('restores exactly from its checkpoint', () => {
    const rq = new RollingQuantile(4);
    for (const x of [3, 1, 4, 1, 5]) rq.push(x);
    const copy = new RollingQuantile(4);
    copy.loadState(JSON.parse(JSON.stringify(rq.saveState())));
    copy.push(9);
    rq.push(9);
    for (const q of [0, 0.3, 0.5, 1]) expect(copy.quantile(q)).toBe(rq.quantile(q));
    expect(copy.length).toBe(4);
    expect(() => new RollingQuantile(5).loadState(rq.saveState())).toThrow(/RollingQuantile/);
  });

  it('matches a sort of the last `capacity` values after every push', () => {
    const rng = new Rng(31);
    const rq = new RollingQuantile(50);
    const all: number[] = [];
    for (let k = 0; k < 400; k++) {
      const x = k % 7 === 0 ? 0.5 : rng.normal(); // repeated values exercise the binary search
      rq.push(x);
      all.push(x);
      const window = all.slice(-50);
      for (const q of [0, 0.25, 0.75, 0.9, 1]) expect(rq.quantile(q)).toBe(quantile(window, q));
    }
    expect(rq.length).toBe(50);
  });
});
