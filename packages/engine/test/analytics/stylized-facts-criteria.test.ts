import { describe, expect, it } from 'vitest';
import { aggregateReturns, hillIndex, stylizedFacts, varianceRatio, type StylizedFactsOptions } from '../../src/analytics/stylized-facts.js';
import { variance } from '../../src/analytics/stats.js';
import { Rng } from '../../src/rng.js';

// Each stylized-facts criterion at its bound (a threshold set to the measured statistic), with its
// options, its words and its undefined cases (the statistical behaviour on long series is in
// stylized-facts.test.ts).

function gaussian(n: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => rng.normal(0, 0.001));
}

/** GARCH(1,1) returns: heavy tails and clustering. */
function garch(n: number, seed: number): number[] {
  const rng = new Rng(seed);
  let s2 = 1e-7 / 0.05;
  let prev = 0;
  return Array.from({ length: n }, () => {
    s2 = 1e-7 + 0.15 * prev * prev + 0.8 * s2;
    return (prev = Math.sqrt(s2) * rng.normal());
  });
}

const R = garch(1000, 21);

describe('each return fact passes at its bound and fails just past it', () => {
  const with_ = (o: StylizedFactsOptions) => stylizedFacts(R, o).facts;

  it('lag-1 autocorrelation: |ACF(1)| <= bound', () => {
    const base = stylizedFacts(R);
    const v = Math.abs(base.facts.lag1_autocorrelation.value!);
    expect(with_({ lag1MaxAbs: v }).lag1_autocorrelation.pass).toBe(true);
    expect(with_({ lag1MaxAbs: v * 0.999 }).lag1_autocorrelation.pass).toBe(false);
  });

  it('no linear predictability: mean |ACF| over lags 2..L < bound (strictly), lag 1 not counted', () => {
    const base = stylizedFacts(R);
    const f = base.facts.no_linear_predictability;
    const expected = base.acf_raw.slice(1, 20).reduce((s: number, v) => s + Math.abs(v!), 0) / 19;
    expect(f.value).toBeCloseTo(expected, 14);
    expect(with_({ predictabilityMaxAcf: f.value! }).no_linear_predictability.pass).toBe(false);
    expect(with_({ predictabilityMaxAcf: f.value! * 1.001 }).no_linear_predictability.pass).toBe(true);
    const lags7 = with_({ predictabilityLags: 7 }).no_linear_predictability.value!;
    expect(lags7).toBeCloseTo(base.acf_raw.slice(1, 7).reduce((s: number, v) => s + Math.abs(v!), 0) / 6, 14);
  });

  it('variance ratio inside [min, max], both ends included', () => {
    const base = stylizedFacts(R);
    const v = base.facts.variance_ratio.value!;
    expect(with_({ varianceRatioMin: v }).variance_ratio.pass).toBe(v <= 1.2);
    expect(with_({ varianceRatioMin: v, varianceRatioMax: v }).variance_ratio.pass).toBe(true);
    expect(with_({ varianceRatioMin: v * 1.001, varianceRatioMax: 10 }).variance_ratio.pass).toBe(false);
    expect(with_({ varianceRatioMin: 0, varianceRatioMax: v * 0.999 }).variance_ratio.pass).toBe(false);
    expect(with_({ varianceRatioHorizon: 4 }).variance_ratio.value).toBe(varianceRatio(R, 4));
  });

  it('heavy tails: kurtosis > bound, strictly', () => {
    const base = stylizedFacts(R);
    const k = base.excess_kurtosis!;
    expect(base.facts.heavy_tails.value).toBe(k);
    expect(with_({ heavyTailKurtosis: k }).heavy_tails.pass).toBe(false);
    expect(with_({ heavyTailKurtosis: k * 0.999 }).heavy_tails.pass).toBe(true);
  });

  it('tail index inside [hillMin, hillMax], both ends included, over the hillTailShare tail', () => {
    const base = stylizedFacts(R);
    const h = base.facts.tail_index.value!;
    expect(h).toBe(hillIndex(R, 0.05));
    expect(with_({ hillMin: h, hillMax: h }).tail_index.pass).toBe(true);
    expect(with_({ hillMin: h * 1.001 }).tail_index.pass).toBe(false);
    expect(with_({ hillMin: 0, hillMax: h * 0.999 }).tail_index.pass).toBe(false);
    expect(with_({ hillTailShare: 0.1 }).tail_index.value).toBe(hillIndex(R, 0.1));
  });

  it('volatility clustering: the smallest ACF(|r|) over lags 1..L, > 0', () => {
    const base = stylizedFacts(R);
    const f = base.facts.volatility_clustering;
    expect(f.value).toBe(Math.min(...(base.acf_abs.slice(0, 20) as number[])));
    expect(f.pass).toBe(f.value! > 0);
    expect(with_({ clusteringLags: 3 }).volatility_clustering.value).toBe(Math.min(...(base.acf_abs.slice(0, 3) as number[])));
    // Gaussian returns: some lag has ACF(|r|) <= 0.
    const g = stylizedFacts(gaussian(3000, 4)).facts.volatility_clustering;
    expect(g.value!).toBeLessThanOrEqual(0);
    expect(g.pass).toBe(false);
    // Too short for lag 20: undefined, not passed.
    const short = stylizedFacts(R.slice(0, 15)).facts.volatility_clustering;
    expect(short).toMatchObject({ value: null, pass: false });
  });

  it('clustering decay: late (41..50) mean over early (1..5) mean; late > 0 and below early', () => {
    const base = stylizedFacts(R);
    const early = base.acf_abs.slice(0, 5).reduce((s: number, v) => s + v!, 0) / 5;
    const late = base.acf_abs.slice(40, 50).reduce((s: number, v) => s + v!, 0) / 10;
    const f = base.facts.clustering_decay;
    expect(f.value).toBeCloseTo(late / early, 12);
    expect(f.pass).toBe(late > 0 && late < early);
    expect(stylizedFacts(R.slice(0, 45)).facts.clustering_decay).toMatchObject({ value: null, pass: false });
  });

  it('aggregational Gaussianity: strictly falling kurtosis over the horizons; value the smallest drop', () => {
    const base = stylizedFacts(R);
    const ks = base.kurtosis_by_horizon.map((h) => h.excess_kurtosis!);
    expect(base.kurtosis_by_horizon.map((h) => [h.horizon, h.n])).toEqual([[1, 1000], [10, 100], [50, 20]]);
    expect(ks[0]).toBe(base.excess_kurtosis);
    expect(base.facts.aggregational_gaussianity.value).toBeCloseTo(Math.min(ks[0]! - ks[1]!, ks[1]! - ks[2]!), 12);
    expect(base.facts.aggregational_gaussianity.pass).toBe(ks[1]! < ks[0]! && ks[2]! < ks[1]!);
    // A horizon with too few aggregated returns has no kurtosis: not passed, no value.
    const few = stylizedFacts(R, { horizons: [1, 10, 200] });
    expect(few.kurtosis_by_horizon[2]).toEqual({ horizon: 200, n: 5, excess_kurtosis: null });
    expect(few.facts.aggregational_gaussianity).toMatchObject({ pass: false, value: null });
    expect(stylizedFacts(R, { horizons: [1, 10, 200], minAggregated: 5 }).kurtosis_by_horizon[2]!.excess_kurtosis).not.toBeNull();
    // One horizon compares nothing.
    expect(stylizedFacts(R, { horizons: [1] }).facts.aggregational_gaussianity).toMatchObject({ pass: false, value: null });
    // A repeated horizon does not fall: fails, and its drop of 0 can be the smallest.
    const flat = stylizedFacts(R, { horizons: [1, 10, 10] }).facts.aggregational_gaussianity;
    expect(flat.pass).toBe(false);
    expect(flat.value).toBe(Math.min(ks[0]! - ks[1]!, 0));
  });

  it('reports at least 50 lags, more when asked; non-finite returns are dropped', () => {
    expect(stylizedFacts(R, { maxLag: 10 }).acf_raw).toHaveLength(50);
    expect(stylizedFacts(R, { maxLag: 60 }).acf_abs).toHaveLength(60);
    const dirty = stylizedFacts([...R.slice(0, 500), NaN, Infinity, ...R.slice(500, 1000)]);
    expect(dirty.n).toBe(1000);
    expect(dirty.excess_kurtosis).toBe(stylizedFacts(R.slice(0, 1000)).excess_kurtosis);
  });

  it('failed lists exactly the facts that did not pass, and pass is that list being empty', () => {
    const base = stylizedFacts(R);
    const names = Object.keys(base.facts);
    expect(names).toEqual(['lag1_autocorrelation', 'no_linear_predictability', 'variance_ratio', 'heavy_tails', 'tail_index', 'volatility_clustering', 'clustering_decay', 'aggregational_gaussianity']);
    expect(base.failed).toEqual(names.filter((n) => !base.facts[n as keyof typeof base.facts]!.pass));
    expect(base.pass).toBe(base.failed.length === 0);
    const lenient = stylizedFacts(R, { lag1MaxAbs: 1, predictabilityMaxAcf: 1, varianceRatioMin: 0, varianceRatioMax: 100, heavyTailKurtosis: -3, hillMin: 0, hillMax: 100 });
    expect(lenient.failed).toEqual(names.filter((n) => !lenient.facts[n as keyof typeof lenient.facts]!.pass));
    expect(lenient.failed).not.toContain('heavy_tails');
    expect(lenient.failed).not.toContain('lag1_autocorrelation');
  });
});

describe('the criteria say their thresholds', () => {
  it('defaults', () => {
    const signs = Array.from({ length: 500 }, (_, t) => (Math.floor(t / 60) % 2 ? 1 : -1));
    const book = { bidLevels: [3], askLevels: [3], spreadTicks: [1] };
    const c = Object.fromEntries(Object.entries(stylizedFacts(R, { tradeSigns: signs, book }).facts).map(([k, f]) => [k, f!.criterion]));
    expect(c['lag1_autocorrelation']).toMatch(/^\|ACF\(returns, 1\)\| <= 0\.15 /);
    expect(c['no_linear_predictability']).toBe('mean |ACF(returns, lag)| over lags 2..20 < 0.05');
    expect(c['variance_ratio']).toBe('variance ratio Var(10-tick returns) / (10 Var(1-tick returns)) in [0.8, 1.2]');
    expect(c['heavy_tails']).toBe('excess kurtosis of 1-tick returns > 1');
    expect(c['tail_index']).toMatch(/top 5 % in \[2, 6\]/);
    expect(c['volatility_clustering']).toMatch(/^ACF\(\|returns\|, lag\) > 0 for every lag 1\.\.20 /);
    expect(c['clustering_decay']).toMatch(/lags 41\.\.50 > 0 and below its mean over lags 1\.\.5/);
    expect(c['aggregational_gaussianity']).toMatch(/^excess kurtosis strictly decreasing over horizons 1, 10, 50 \(each needs >= 20 aggregated/);
    expect(c['trade_sign_memory']).toMatch(/^ACF\(trade signs, 1\) > 0 and mean ACF\(trade signs\) over lags 41\.\.50 > 0\.01 /);
    expect(c['book_depth']).toMatch(/^>= 3 price levels on both sides on >= 90 % of ticks/);
    expect(c['two_sided_book']).toMatch(/^one side of the book empty on <= 1 % of ticks/);
    expect(c['spread']).toMatch(/^median spread <= 5 ticks/);
  });

  it('overridden thresholds', () => {
    const f = stylizedFacts(R, {
      lag1MaxAbs: 0.37, predictabilityLags: 7, predictabilityMaxAcf: 0.043, varianceRatioHorizon: 4, varianceRatioMin: 0.71, varianceRatioMax: 1.33,
      heavyTailKurtosis: 2.5, hillTailShare: 0.1, hillMin: 1.5, hillMax: 7.5, clusteringLags: 9, signMemoryMinAcf: 0.021, horizons: [1, 5], minAggregated: 30,
      minDepthLevels: 4, minDepthShare: 0.8, maxEmptySideShare: 0.03, maxMedianSpreadTicks: 6,
      tradeSigns: [1, -1, 1], book: { bidLevels: [], askLevels: [], spreadTicks: [] },
    }).facts;
    expect(f.lag1_autocorrelation.criterion).toContain('<= 0.37');
    expect(f.no_linear_predictability.criterion).toBe('mean |ACF(returns, lag)| over lags 2..7 < 0.043');
    expect(f.variance_ratio.criterion).toBe('variance ratio Var(4-tick returns) / (4 Var(1-tick returns)) in [0.71, 1.33]');
    expect(f.heavy_tails.criterion).toContain('> 2.5');
    expect(f.tail_index.criterion).toContain('top 10 % in [1.5, 7.5]');
    expect(f.volatility_clustering.criterion).toContain('1..9');
    expect(f.aggregational_gaussianity.criterion).toContain('horizons 1, 5 (each needs >= 30');
    expect(f.trade_sign_memory!.criterion).toContain('> 0.021');
    expect(f.book_depth!.criterion).toContain('>= 4 price levels on both sides on >= 80 %');
    expect(f.two_sided_book!.criterion).toContain('<= 3 % of ticks');
    expect(f.spread!.criterion).toContain('<= 6 ticks');
  });
});

describe('trade-sign memory', () => {
  it('needs ACF(1) > 0 and the lag 41..50 mean above the bound (strictly)', () => {
    const runs = Array.from({ length: 1000 }, (_, t) => (Math.floor(t / 100) % 2 ? 1 : -1));
    const rep = stylizedFacts(R, { tradeSigns: runs });
    const late = rep.acf_signs.slice(40, 50).reduce((s: number, v) => s + v!, 0) / 10;
    const f = rep.facts.trade_sign_memory!;
    expect(f.value).toBeCloseTo(late, 12);
    expect(f.pass).toBe(true);
    expect(stylizedFacts(R, { tradeSigns: runs, signMemoryMinAcf: f.value! }).facts.trade_sign_memory!.pass).toBe(false);
    // Alternating signs: ACF(1) = -1 while the late mean (~0) clears a bound of -0.5: still fails.
    const alt = Array.from({ length: 1000 }, (_, t) => (t % 2 ? 1 : -1));
    const a = stylizedFacts(R, { tradeSigns: alt, signMemoryMinAcf: -0.5 });
    expect(a.acf_signs[0]!).toBeLessThan(-0.99);
    expect(a.facts.trade_sign_memory!.pass).toBe(false);
    // Too few signs: undefined, not passed.
    expect(stylizedFacts(R, { tradeSigns: runs.slice(0, 30) }).facts.trade_sign_memory).toMatchObject({ value: null, pass: false });
    expect(stylizedFacts(R).acf_signs).toEqual([]);
    expect(stylizedFacts(R).facts.trade_sign_memory).toBeUndefined();
  });
});

describe('book facts', () => {
  const facts = (bid: number[], ask: number[], spread: number[], o: StylizedFactsOptions = {}) =>
    stylizedFacts(R.slice(0, 200), { ...o, book: { bidLevels: bid, askLevels: ask, spreadTicks: spread } });

  it('pass exactly at their bounds: 90 % deep (3 levels counts), 1 % one-sided, a 5-tick median', () => {
    const n = 100;
    const bid = Array.from({ length: n }, (_, t) => (t === 5 ? 0 : t % 10 === 5 ? 2 : 3));
    const ask = Array.from({ length: n }, (_, t) => (t % 10 === 7 ? 2 : 3));
    // ticks 5, 15, .. (bid 2; tick 5 empty) and 7, 17, .. (ask 2) are shallow: 20 % shallow, 1 % empty
    const spread = Array.from({ length: n }, (_, t) => (t === 5 ? NaN : t % 2 ? 5 : 4 + (t % 4)));
    const r = facts(bid, ask, spread);
    expect(r.book).toEqual({ ticks: 100, depth_share: 0.8, empty_side_share: 0.01, median_spread_ticks: 5 });
    expect(r.facts.book_depth!.pass).toBe(false);
    expect(r.facts.two_sided_book!.pass).toBe(true);
    expect(r.facts.spread!.pass).toBe(true);
    expect(facts(bid, ask, spread, { minDepthShare: 0.8 }).facts.book_depth!.pass).toBe(true);
    expect(facts(bid, ask, spread, { minDepthLevels: 2 }).book!.depth_share).toBe(0.99);
    expect(facts(bid, ask, spread, { maxEmptySideShare: 0.009 }).facts.two_sided_book!.pass).toBe(false);
    expect(facts(bid, ask, spread, { maxMedianSpreadTicks: 4.9 }).facts.spread!.pass).toBe(false);
  });

  it('an empty ask side counts as one-sided like an empty bid side', () => {
    const r = facts([3, 3, 3, 3], [3, 0, 3, 3], [1, NaN, 1, 2]);
    expect(r.book!.empty_side_share).toBe(0.25);
    expect(r.book!.depth_share).toBe(0.75);
    // NaN spreads (a side empty) are left out of the median.
    expect(r.book!.median_spread_ticks).toBe(1);
  });

  it('no ticks: nothing passes and the shares are 0', () => {
    const r = facts([], [], []);
    expect(r.book).toEqual({ ticks: 0, depth_share: 0, empty_side_share: 0, median_spread_ticks: null });
    expect([r.facts.book_depth!.pass, r.facts.two_sided_book!.pass, r.facts.spread!.pass]).toEqual([false, false, false]);
    const noSpread = facts([0, 0], [0, 0], [NaN, NaN], { minDepthShare: 0 });
    expect(noSpread.facts.book_depth!.pass).toBe(true);
    expect(noSpread.facts.spread).toMatchObject({ value: null, pass: false });
  });
});

describe('aggregateReturns, varianceRatio, hillIndex', () => {
  it('aggregates non-overlapping blocks and drops a trailing partial one', () => {
    expect(Array.from(aggregateReturns([1, 2, 3, 4, 5], 2))).toEqual([3, 7]);
    expect(Array.from(aggregateReturns([1, 2, 3], 1))).toEqual([1, 2, 3]);
    expect(aggregateReturns([1], 2)).toHaveLength(0);
  });

  it('the variance ratio is Var(overlapping q-sums) / (q Var(r)); null without variance or under 10 q values', () => {
    const r = gaussian(200, 9).map((x, i) => x + (i % 3) * 0.0005);
    const q = 5;
    const sums: number[] = [];
    for (let t = 0; t + q <= r.length; t++) sums.push(r.slice(t, t + q).reduce((a, b) => a + b, 0));
    expect(varianceRatio(r, q)).toBeCloseTo(variance(sums)! / (q * variance(r)!), 12);
    expect(varianceRatio(r.slice(0, 49), q)).toBeNull();
    expect(varianceRatio(r.slice(0, 50), q)).not.toBeNull();
    expect(varianceRatio(Array(100).fill(0), q)).toBeNull();
  });

  it('Hill: m / Σ ln(x / x_(k)) over values above the k-th largest beyond the tie band; zeros and non-finite values dropped', () => {
    const xs = Array.from({ length: 200 }, (_, i) => (i % 2 ? -1 : 1) * (i + 1));
    // Top 10 are 200..191, the threshold is 190; 191 is within 1 % of it (a tie), so m = 9.
    let sum = 0;
    for (let v = 192; v <= 200; v++) sum += Math.log(v / 190);
    expect(hillIndex(xs, 0.05)).toBeCloseTo(9 / sum, 12);
    expect(hillIndex([...xs, 0, 0, NaN, Infinity], 0.05)).toBeCloseTo(9 / sum, 12);
    // With no tie band 191 counts.
    expect(hillIndex(xs, 0.05, 0)).toBeCloseTo(10 / (sum + Math.log(191 / 190)), 12);
    // Fewer than 10 values in the tail: no estimate.
    expect(hillIndex(xs.slice(0, 199), 0.05)).toBeNull();
    expect(hillIndex(xs.slice(0, 200), 0.05)).not.toBeNull();
    // Every tail value a tie: no estimate.
    expect(hillIndex(Array(400).fill(1), 0.05)).toBeNull();
  });
});

describe('facts that pass and facts that cannot be computed', () => {
  /** Volatility in blocks of 100 returns (1 or 3): clustering with long memory that decays. */
  function regimes(n: number, seed: number): number[] {
    const rng = new Rng(seed);
    return Array.from({ length: n }, (_, t) => (Math.floor(t / 100) % 2 ? 3 : 1) * rng.normal(0, 0.001));
  }

  it('slowly switching volatility passes clustering and its decay; the value is late / early', () => {
    const rep = stylizedFacts(regimes(2000, 3));
    const early = rep.acf_abs.slice(0, 5).reduce((s: number, v) => s + v!, 0) / 5;
    const late = rep.acf_abs.slice(40, 50).reduce((s: number, v) => s + v!, 0) / 10;
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThan(early);
    expect(rep.facts.clustering_decay).toMatchObject({ pass: true });
    expect(rep.facts.clustering_decay.value).toBeCloseTo(late / early, 12);
    expect(rep.facts.volatility_clustering.pass).toBe(true);
    expect(rep.facts.heavy_tails.pass).toBe(true);
    expect(rep.facts.aggregational_gaussianity.value).toBeCloseTo(
      Math.min(rep.kurtosis_by_horizon[0]!.excess_kurtosis! - rep.kurtosis_by_horizon[1]!.excess_kurtosis!, rep.kurtosis_by_horizon[1]!.excess_kurtosis! - rep.kurtosis_by_horizon[2]!.excess_kurtosis!),
      12,
    );
  });

  it('late memory above the early one fails the decay; late memory at or below 0 fails it', () => {
    // |r| with a 45-tick period: lag 45 correlates more than lags 1..5
    const rng = new Rng(4);
    const periodic = Array.from({ length: 3000 }, (_, t) => (t % 45 < 3 ? 5 : 1) * Math.abs(rng.normal(0, 0.001)) * (rng.next() < 0.5 ? -1 : 1));
    const p = stylizedFacts(periodic);
    const early = p.acf_abs.slice(0, 5).reduce((s: number, v) => s + v!, 0) / 5;
    const late = p.acf_abs.slice(40, 50).reduce((s: number, v) => s + v!, 0) / 10;
    expect(late).toBeGreaterThan(early);
    expect(p.facts.clustering_decay.pass).toBe(false);
    // Volatility switching every 45 returns: |r| anti-correlated at lags 41..50.
    const r2 = new Rng(6);
    const anti = stylizedFacts(Array.from({ length: 3000 }, (_, t) => (Math.floor(t / 45) % 2 ? 3 : 1) * r2.normal(0, 0.001)));
    const lateAnti = anti.acf_abs.slice(40, 50).reduce((s: number, v) => s + v!, 0) / 10;
    expect(lateAnti).toBeLessThan(0);
    expect(anti.facts.clustering_decay.pass).toBe(false);
  });

  it('returns with no variance: every return fact undefined and failed, nothing divides by zero', () => {
    const flat = stylizedFacts(Array(300).fill(0));
    for (const k of ['lag1_autocorrelation', 'no_linear_predictability', 'variance_ratio', 'heavy_tails', 'tail_index', 'volatility_clustering', 'clustering_decay'] as const) {
      expect(flat.facts[k], k).toMatchObject({ pass: false, value: null });
    }
    expect(flat.facts.aggregational_gaussianity.pass).toBe(false);
    expect(flat.pass).toBe(false);
    expect(flat.failed).toHaveLength(8);
    // Quote jitter (alternating moves): |ACF(1)| far above the bound, variance ratio far below.
    const jitter = stylizedFacts(Array.from({ length: 1000 }, (_, t) => (t % 2 ? 0.001 : -0.001) + (t % 7) * 1e-5));
    expect(jitter.facts.lag1_autocorrelation.pass).toBe(false);
    expect(jitter.facts.variance_ratio.pass).toBe(false);
    expect(jitter.facts.variance_ratio.value!).toBeLessThan(0.8);
    expect(jitter.facts.no_linear_predictability.pass).toBe(false);
  });
});
