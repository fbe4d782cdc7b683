import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Diagnostics } from '../../src/analytics/diagnostics.js';
import { autocorrelation, excessKurtosis } from '../../src/analytics/stats.js';

// The windowed risk figures of Diagnostics.agent() are kept incrementally (WindowStats: mergeable
// records, O(1) a tick). These properties pin them against the direct computation over the last
// `window` changes. Tolerances (documented in BENCHMARKS.md, fifth session): kurtosis within 1e-9
// of m4/m2² (i.e. |Δ| ≤ 1e-9 · (excess + 3)), the lag-1 autocorrelation of |changes| within 1e-9
// (a correlation: its rounding is relative to 1), Sortino within 1e-9 of its own size plus that of
// mean|change| / downside deviation (the scale of the mean's rounding); drawdown and hit rate
// exactly.

const TICKS_PER_YEAR = 252;

interface Case {
  window: number;
  start: number;
  changes: number[];
}

/** Changes as integer multiples of a unit, with zeros, repeats and rare large outliers. */
const caseArb: fc.Arbitrary<Case> = fc
  .record({
    window: fc.integer({ min: 2, max: 40 }),
    start: fc.integer({ min: -1000, max: 1000 }),
    unit: fc.constantFrom(1e-4, 0.01, 0.37, 1, 123.5),
    steps: fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constant(0) },
        { weight: 6, arbitrary: fc.integer({ min: -50, max: 50 }) },
        { weight: 1, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }) },
        { weight: 1, arbitrary: fc.constant(7) },
      ),
      { minLength: 0, maxLength: 130 },
    ),
  })
  .map(({ window, start, unit, steps }) => ({ window, start: start * unit, changes: steps.map((k) => k * unit) }));

function diagnosticsFed(c: Case, minSharpeChanges: number): { d: Diagnostics; levels: number[] } {
  const d = new Diagnostics({ window: c.window, minSharpeChanges, minStd: 1e-8, ticksPerYear: TICKS_PER_YEAR });
  d.addAgent(c.start);
  const levels = [c.start];
  for (const x of c.changes) {
    const p = levels[levels.length - 1]! + x;
    levels.push(p);
    d.observe([], 100, 100, [p], [0]);
  }
  return { d, levels };
}

/** The figures straight from their definitions over the last `window` changes. */
function direct(c: Case, levels: number[], minSharpeChanges: number) {
  // The changes as Diagnostics sees them: differences of the PnL levels.
  const all = levels.slice(1).map((p, k) => p - levels[k]!);
  const win = all.slice(-c.window);
  const n = win.length;
  const first = levels[levels.length - 1 - n]!;
  let peak = first;
  let mdd = 0;
  for (const l of levels.slice(levels.length - n)) {
    if (l > peak) peak = l;
    else if (peak - l > mdd) mdd = peak - l;
  }
  const up = win.filter((x) => x > 0).length;
  const nonzero = win.filter((x) => x !== 0).length;
  const downSq = win.reduce((s, x) => (x < 0 ? s + x * x : s), 0);
  const mean = win.reduce((s, x) => s + x, 0) / n;
  const down = Math.sqrt(downSq / n);
  return {
    win,
    kurtosis: excessKurtosis(win),
    autocorr: n > 2 ? autocorrelation(win.map(Math.abs), 1) : null,
    sortino: n >= minSharpeChanges && n > 0 && down > 1e-8 ? (mean / down) * Math.sqrt(TICKS_PER_YEAR) : null,
    /** Sortino with the mean |change| for the mean: the scale of the mean's rounding, which may dwarf a mean near 0. */
    sortinoScale: (win.reduce((s, x) => s + Math.abs(x), 0) / n / down) * Math.sqrt(TICKS_PER_YEAR),
    maxDrawdown: mdd,
    hitRate: nonzero > 0 ? up / nonzero : null,
  };
}

const allEqual = (xs: number[]): boolean => xs.every((x) => x === xs[0]);

describe('Diagnostics risk figures, incremental vs direct over the window', () => {
  it('kurtosis, |change| autocorrelation, Sortino, drawdown and hit rate match on random paths', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const minSharpe = 3;
        const { d, levels } = diagnosticsFed(c, minSharpe);
        const got = d.agent(0);
        const want = direct(c, levels, minSharpe);
        expect(got.window_changes).toBe(want.win.length);
        expect(got.max_drawdown).toBe(want.maxDrawdown);
        expect(got.hit_rate).toBe(want.hitRate);

        // A window of identical changes has zero variance: the direct two-pass form then divides
        // rounding noise by rounding noise; the incremental one keeps the mean exact and says null.
        if (want.win.length >= 4 && allEqual(want.win)) expect(got.excess_kurtosis).toBeNull();
        else if (want.kurtosis === null) expect(got.excess_kurtosis).toBeNull();
        else expect(Math.abs(got.excess_kurtosis! - want.kurtosis)).toBeLessThanOrEqual(1e-9 * (want.kurtosis + 3));

        const abs = want.win.map(Math.abs);
        if (want.win.length > 2 && allEqual(abs)) expect(got.abs_change_autocorr).toBeNull();
        else if (want.autocorr === null) expect(got.abs_change_autocorr).toBeNull();
        else expect(Math.abs(got.abs_change_autocorr! - want.autocorr)).toBeLessThanOrEqual(1e-9);

        if (want.sortino === null) expect(got.sortino).toBeNull();
        else expect(Math.abs(got.sortino! - want.sortino)).toBeLessThanOrEqual(1e-9 * (want.sortinoScale + Math.abs(want.sortino)));
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same figures at every tick, not just the last (window filling, wrapping, mid-pass)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const d = new Diagnostics({ window: c.window, minSharpeChanges: 3, minStd: 1e-8, ticksPerYear: TICKS_PER_YEAR });
        d.addAgent(c.start);
        const levels = [c.start];
        for (const x of c.changes) {
          levels.push(levels[levels.length - 1]! + x);
          d.observe([], 100, 100, [levels[levels.length - 1]!], [0]);
          const want = direct(c, levels, 3);
          const got = d.agent(0);
          expect(got.max_drawdown).toBe(want.maxDrawdown);
          expect(got.hit_rate).toBe(want.hitRate);
          if (want.kurtosis !== null && !allEqual(want.win)) {
            expect(Math.abs(got.excess_kurtosis! - want.kurtosis)).toBeLessThanOrEqual(1e-9 * (want.kurtosis + 3));
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('continues bit for bit from a checkpoint taken anywhere in a pass', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), (c, cutAt) => {
        const cut = c.changes.length === 0 ? 0 : cutAt % c.changes.length;
        const opts = { window: c.window, minSharpeChanges: 3, minStd: 1e-8, ticksPerYear: TICKS_PER_YEAR };
        const a = new Diagnostics(opts);
        a.addAgent(c.start);
        let p = c.start;
        const feed = (d: Diagnostics, xs: number[], from: number): number => {
          let level = from;
          for (const x of xs) {
            level += x;
            d.observe([], 100, 100, [level], [0]);
          }
          return level;
        };
        p = feed(a, c.changes.slice(0, cut), p);
        const b = new Diagnostics(opts);
        b.addAgent(c.start);
        b.loadState(JSON.parse(JSON.stringify(a.saveState())));
        feed(a, c.changes.slice(cut), p);
        feed(b, c.changes.slice(cut), p);
        expect(b.agent(0)).toEqual(a.agent(0));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps agents apart: each agent of a shared Diagnostics equals a Diagnostics of its own', () => {
    fc.assert(
      fc.property(fc.array(caseArb, { minLength: 2, maxLength: 12 }), fc.integer({ min: 2, max: 40 }), (cases, window) => {
        const opts = { window, minSharpeChanges: 3, minStd: 1e-8, ticksPerYear: TICKS_PER_YEAR };
        const shared = new Diagnostics(opts); // 12 agents: past the first capacity of 8
        const own = cases.map((c) => {
          shared.addAgent(c.start);
          const d = new Diagnostics(opts);
          d.addAgent(c.start);
          return d;
        });
        const ticks = Math.max(...cases.map((c) => c.changes.length));
        const level = cases.map((c) => c.start);
        for (let t = 0; t < ticks; t++) {
          cases.forEach((c, i) => (level[i]! += c.changes[t] ?? 0));
          shared.observe([], 100, 100, level, level.map(() => 0));
          cases.forEach((_, i) => own[i]!.observe([], 100, 100, [level[i]!], [0]));
        }
        cases.forEach((_, i) => expect(shared.agent(i)).toEqual(own[i]!.agent(0)));
      }),
      { numRuns: 60 },
    );
  });
});
