import { describe, expect, it } from 'vitest';
import { MarketSampler } from '../../src/analytics/market-sampler.js';
import { hillIndex, stylizedFacts, varianceRatio } from '../../src/analytics/stylized-facts.js';
import { Rng } from '../../src/rng.js';

function gaussian(n: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => rng.normal(0, 0.001));
}

/** GARCH(1,1): sigma²_t = w + a r²_{t-1} + b sigma²_{t-1}. */
function garch(n: number, seed: number): number[] {
  const rng = new Rng(seed);
  const w = 1e-7;
  const a = 0.15;
  const b = 0.8;
  let s2 = w / (1 - a - b);
  let prev = 0;
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    s2 = w + a * prev * prev + b * s2;
    prev = Math.sqrt(s2) * rng.normal();
    out.push(prev);
  }
  return out;
}

describe('stylizedFacts', () => {
  it('i.i.d. Gaussian returns fail heavy tails', () => {
    const report = stylizedFacts(gaussian(20_000, 5));
    expect(report.facts.heavy_tails.pass).toBe(false);
    expect(Math.abs(report.excess_kurtosis!)).toBeLessThan(0.2);
  });

  it('i.i.d. Gaussian returns pass no linear predictability', () => {
    expect(stylizedFacts(gaussian(20_000, 6)).facts.no_linear_predictability.pass).toBe(true);
  });

  it('a GARCH series passes volatility clustering', () => {
    const report = stylizedFacts(garch(20_000, 7));
    expect(report.facts.volatility_clustering.pass).toBe(true);
    expect(report.facts.heavy_tails.pass).toBe(true);
  });

  it('i.i.d. Gaussian returns fail volatility clustering', () => {
    expect(stylizedFacts(gaussian(20_000, 8)).facts.volatility_clustering.pass).toBe(false);
  });

  it('reports ACFs for lags 1..50, kurtosis at horizons 1/10/50 and the criteria in words', () => {
    const report = stylizedFacts(garch(5_000, 9));
    expect(report.acf_raw).toHaveLength(50);
    expect(report.acf_abs).toHaveLength(50);
    expect(report.kurtosis_by_horizon.map((h) => h.horizon)).toEqual([1, 10, 50]);
    expect(report.facts.heavy_tails.criterion).toContain('excess kurtosis');
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('a persistent AR(1) series fails no linear predictability', () => {
    const rng = new Rng(10);
    let x = 0;
    const r = Array.from({ length: 5000 }, () => (x = 0.9 * x + rng.normal()));
    // acf(k) ~ 0.9^k: sum over lags 2..50 ~ 8 → mean |acf| ~ 0.16, well above 0.05
    expect(stylizedFacts(r).facts.no_linear_predictability.pass).toBe(false);
  });

  it('quote jitter on a random walk fails lag 1 and the variance ratio', () => {
    const rng = new Rng(11);
    let p = 0;
    const prices = Array.from({ length: 20_000 }, () => (p += rng.normal(0, 0.0002)) + rng.normal(0, 0.0004));
    const r = prices.slice(1).map((x, i) => x - prices[i]!);
    const report = stylizedFacts(r);
    expect(report.facts.lag1_autocorrelation!.pass).toBe(false);
    expect(report.facts.lag1_autocorrelation!.value!).toBeLessThan(-0.3);
    expect(report.facts.variance_ratio!.pass).toBe(false);
    expect(report.failed).toContain('lag1_autocorrelation');
    expect(report.pass).toBe(false);
  });

  it('the variance ratio is about 1 for a random walk and above 1 for trending returns', () => {
    expect(varianceRatio(gaussian(20_000, 12), 10)!).toBeCloseTo(1, 1);
    const rng = new Rng(13);
    let x = 0;
    const trending = Array.from({ length: 20_000 }, () => (x = 0.5 * x + rng.normal()));
    expect(varianceRatio(trending, 10)!).toBeGreaterThan(2);
  });

  it('the Hill index recovers a Pareto tail and fails thin or very heavy tails', () => {
    const rng = new Rng(14);
    const pareto = (a: number) => Array.from({ length: 20_000 }, () => (rng.next() < 0.5 ? -1 : 1) * Math.pow(1 - rng.next(), -1 / a));
    expect(hillIndex(pareto(3), 0.05)!).toBeGreaterThan(2.5);
    expect(hillIndex(pareto(3), 0.05)!).toBeLessThan(3.5);
    expect(stylizedFacts(pareto(1.2)).facts.tail_index!.pass).toBe(false);
    // Identical moves on a tick grid are ties, not a tail.
    expect(hillIndex([1, -1, 1, 1.0001, -1, 1, -0.9999, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 0.5)).toBeNull();
  });

  it('clustering decay needs |r| memory that is still there at lag 41..50 and smaller than at lags 1..5', () => {
    expect(stylizedFacts(garch(20_000, 15)).facts.clustering_decay!.value).not.toBeNull();
    expect(stylizedFacts(gaussian(20_000, 16)).facts.clustering_decay!.pass).toBe(false);
  });

  it('trade signs: i.i.d. signs fail long memory, Pareto runs of one sign pass', () => {
    const rng = new Rng(17);
    const iid = Array.from({ length: 20_000 }, () => (rng.next() < 0.5 ? 1 : -1));
    expect(stylizedFacts(gaussian(1000, 1), { tradeSigns: iid }).facts.trade_sign_memory!.pass).toBe(false);
    const runs: number[] = [];
    while (runs.length < 20_000) {
      const sign = rng.next() < 0.5 ? 1 : -1;
      const len = Math.min(2000, Math.floor(Math.pow(1 - rng.next(), -1 / 1.3)));
      for (let k = 0; k < len; k++) runs.push(sign);
    }
    expect(stylizedFacts(gaussian(1000, 1), { tradeSigns: runs }).facts.trade_sign_memory!.pass).toBe(true);
  });

  it('book facts fail an empty side, a thin book and a wide spread', () => {
    const n = 100;
    const book = {
      bidLevels: Array.from({ length: n }, (_, t) => (t % 10 === 0 ? 0 : 2)),
      askLevels: Array.from({ length: n }, () => 5),
      spreadTicks: Array.from({ length: n }, (_, t) => (t % 10 === 0 ? NaN : 12)),
    };
    const f = stylizedFacts(gaussian(1000, 2), { book }).facts;
    expect([f.book_depth!.pass, f.two_sided_book!.pass, f.spread!.pass]).toEqual([false, false, false]);
    expect(f.two_sided_book!.value).toBeCloseTo(0.1);
    expect(f.spread!.value).toBe(12);
  });
});
