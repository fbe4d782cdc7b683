import { describe, expect, it } from 'vitest';
import { autocorrelation, excessKurtosis, ols, quantile } from '../../src/analytics/stats.js';
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

describe('RollingQuantile', () => {
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
