import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/analytics/diagnostics.js';
import { defaultConfig } from '../../src/config.js';

const base = { ...defaultConfig().diagnostics, ticksPerYear: 252 };

function feed(d: Diagnostics, pnls: number[][], inv?: number[][]): void {
  pnls.forEach((row, t) => d.observe([], 100, 100, row, inv?.[t] ?? row.map(() => 0)));
}

/** PnL path from a list of per-tick changes, starting at 0. */
function path(changes: number[]): number[] {
  const out = [0];
  for (const c of changes) out.push(out[out.length - 1]! + c);
  return out;
}

describe('Diagnostics', () => {
  it('Sharpe is null with fewer than 50 PnL changes', () => {
    const d = new Diagnostics(base);
    d.addAgent();
    const changes = Array.from({ length: 49 }, (_, k) => (k % 2 ? 1 : -0.5));
    feed(d, path(changes).map((p) => [p]));
    expect(d.sharpe(0)).toBeNull();
  });

  it('Sharpe is null when the PnL changes have zero variance', () => {
    const d = new Diagnostics(base);
    d.addAgent();
    feed(d, path(Array.from({ length: 120 }, () => 123.45)).map((p) => [p]));
    expect(d.sharpe(0)).toBeNull();
  });

  it('Sharpe = mean/std(ddof 1) of PnL changes * sqrt(252)', () => {
    const d = new Diagnostics(base);
    d.addAgent();
    const changes = Array.from({ length: 60 }, (_, k) => [1, -0.5, 2, 0.25][k % 4]!);
    feed(d, path(changes).map((p) => [p]));
    const m = changes.reduce((a, b) => a + b) / 60;
    const sd = Math.sqrt(changes.reduce((a, b) => a + (b - m) ** 2, 0) / 59);
    expect(d.sharpe(0)).toBeCloseTo((m / sd) * Math.sqrt(252), 9);
  });

  it('only the last `window` changes count', () => {
    const d = new Diagnostics({ ...base, window: 50 });
    d.addAgent();
    const changes = [...Array.from({ length: 30 }, () => -100), ...Array.from({ length: 50 }, (_, k) => (k % 2 ? 2 : 1))];
    feed(d, path(changes).map((p) => [p]));
    const last = changes.slice(-50);
    const m = 1.5;
    const sd = Math.sqrt(last.reduce((a, b) => a + (b - m) ** 2, 0) / 49);
    expect(d.sharpe(0)).toBeCloseTo((m / sd) * Math.sqrt(252), 6);
  });

  it('max drawdown is the largest peak-to-trough fall of PnL', () => {
    const d = new Diagnostics(base);
    d.addAgent();
    feed(d, [0, 5, 3, 8, 2, 4, 9].map((p) => [p]));
    expect(d.agent(0).max_drawdown).toBe(6);
  });

  it('hit rate counts positive changes among non-zero ones', () => {
    const d = new Diagnostics(base);
    d.addAgent();
    feed(d, path([1, 0, -1, 2, 3, 0]).map((p) => [p]));
    expect(d.agent(0).hit_rate).toBeCloseTo(3 / 4, 12);
  });

  it('spread and impact costs are charged to the taker', () => {
    const d = new Diagnostics(base);
    d.addAgent();
    d.addAgent();
    // buyer (0) takes 10 at 100.2 with pre-trade mid 100.0, mid moves to 100.1
    d.observe([{ buyer: 0, seller: 1, price: 100.2, qty: 10, aggressor: 'BID' }], 100, 100.1, [0, 0], [10, -10]);
    const taker = d.agent(0);
    const maker = d.agent(1);
    expect(taker.spread_cost).toBeCloseTo(2, 9);
    expect(taker.impact_cost).toBeCloseTo(1, 9);
    expect(maker.spread_cost).toBe(0);
    expect(maker.impact_cost).toBe(0);
    expect(taker.fill_count).toBe(1);
    expect(maker.avg_fill_size).toBe(10);
  });

  it('turnover = mean traded qty / max(mean |inventory|, 1)', () => {
    const d = new Diagnostics(base);
    d.addAgent();
    d.addAgent();
    d.observe([], 100, 100, [0, 0], [0, 0]); // reference tick
    d.observe([{ buyer: 0, seller: 1, price: 100, qty: 4, aggressor: 'BID' }], 100, 100, [0, 0], [4, -4]);
    d.observe([], 100, 100, [0, 0], [4, -4]);
    // traded (4, 0) → mean 2; |inventory| (4, 4) → mean 4
    expect(d.agent(0).turnover).toBeCloseTo(0.5, 12);
  });

  it('leaderboard: Sharpe descending, nulls last, ties by agent id', () => {
    const d = new Diagnostics({ ...base, minSharpeChanges: 2 });
    for (let i = 0; i < 4; i++) d.addAgent();
    // agents: 0 flat (null), 1 and 2 identical (tie), 3 best (same spread, higher mean)
    const mid = path([1, 2, 1, 2]);
    const best = path([2, 3, 2, 3]);
    feed(d, mid.map((p, t) => [0, p, p, best[t]!]));
    expect(d.leaderboard(['d', 'c', 'b', 'a'])).toEqual([3, 2, 1, 0]);
  });
});

describe('Diagnostics.agent risk figures over a wrapped window', () => {
  // Kept incrementally (WindowStats), so equal to rounding: test/analytics/window-stats.test.ts has the tolerances.
  it('equal excessKurtosis and lag-1 autocorrelation of |changes| over the last window, to 1e-9', async () => {
    const { excessKurtosis, autocorrelation } = await import('../../src/analytics/stats.js');
    const d = new Diagnostics(base);
    d.addAgent();
    // More changes than the window, irregular, with zeros and sign changes, so the ring wraps.
    const W = base.window;
    const changes = Array.from({ length: W + 137 }, (_, k) => (((k * 7919) % 23) - 11) * 0.37 + (k % 5 === 0 ? 0 : 0.01 * k));
    const ps = path(changes);
    feed(d, ps.map((p) => [p]));
    // The changes as the diagnostics see them: differences of the PnL levels.
    const last = ps.slice(1).map((p, k) => p - ps[k]!).slice(-W);
    const got = d.agent(0);
    expect(got.window_changes).toBe(W);
    const kurtosis = excessKurtosis(last)!;
    expect(Math.abs(got.excess_kurtosis! - kurtosis)).toBeLessThanOrEqual(1e-9 * (kurtosis + 3));
    expect(Math.abs(got.abs_change_autocorr! - autocorrelation(last.map(Math.abs), 1)!)).toBeLessThanOrEqual(1e-9);
    const pos = last.filter((x) => x > 0).length;
    const nonzero = last.filter((x) => x !== 0).length;
    expect(got.hit_rate).toBe(pos / nonzero);
  });

  it('gives null kurtosis below 4 changes and null autocorrelation below 3', () => {
    const d = new Diagnostics(base);
    d.addAgent();
    feed(d, path([1, -2, 3]).map((p) => [p]));
    const got = d.agent(0);
    expect(got.excess_kurtosis).toBeNull();
    expect(got.abs_change_autocorr).not.toBeNull();
    const d2 = new Diagnostics(base);
    d2.addAgent();
    feed(d2, path([1, -2]).map((p) => [p]));
    expect(d2.agent(0).abs_change_autocorr).toBeNull();
  });
});
