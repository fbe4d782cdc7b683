import { describe, expect, it } from 'vitest';
import { stylizedFacts } from '../../src/analytics/stylized-facts.js';
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
});
