/**
 * Stylized facts of a simulated market (Cont 2001; Lillo & Farmer 2004; Bouchaud et al. 2018): the
 * checks that it behaves like a real one. Every fact carries its statistic, its criterion in words
 * and pass/fail, as plain JSON, and every criterion can fail — a market whose mid is quote jitter
 * (lag-1 ACF near −0.4), whose book empties, or that drifts away without an anchor fails some.
 *
 * From 1-tick mid log returns r:
 *   lag1_autocorrelation      |ACF(r, 1)| <= lag1MaxAbs (0.15)
 *   no_linear_predictability  mean |ACF(r, lag)| over lags 2..predictabilityLags (20) < predictabilityMaxAcf (0.05)
 *   variance_ratio            Var(q-tick returns) / (q · Var(r)), q = varianceRatioHorizon (10), in [0.8, 1.2]
 *   heavy_tails               excess kurtosis of r > heavyTailKurtosis (1)
 *   tail_index                Hill index of |r| over its top hillTailShare (5 %) in [2, 6] (real markets: ~3)
 *   volatility_clustering     ACF(|r|, lag) > 0 at every lag 1..clusteringLags (20)
 *   clustering_decay          ACF(|r|) still > 0 averaged over lags 41..50 and below its lags 1..5 mean (long memory that decays)
 *   aggregational_gaussianity excess kurtosis strictly decreasing over horizons (1, 10, 50), non-overlapping sums
 * From the signs of trades (+1 buyer-initiated, −1 seller-initiated), when given:
 *   trade_sign_memory         ACF(signs, 1) > 0 and mean ACF over lags 41..50 > signMemoryMinAcf (0.01): long memory
 * From the book after each tick, when given:
 *   book_depth                >= 3 price levels on both sides on >= 90 % of ticks
 *   two_sided_book            one side empty on <= 1 % of ticks
 *   spread                    median spread <= 5 ticks (ticks with an empty side excluded)
 */
import { acf, excessKurtosis, quantileSorted, variance } from './stats.js';

export interface StylizedFactsOptions {
  /** ACF lags reported (raw and absolute returns). */
  maxLag?: number;
  horizons?: number[];
  heavyTailKurtosis?: number;
  lag1MaxAbs?: number;
  predictabilityLags?: number;
  predictabilityMaxAcf?: number;
  varianceRatioHorizon?: number;
  varianceRatioMin?: number;
  varianceRatioMax?: number;
  hillTailShare?: number;
  hillMin?: number;
  hillMax?: number;
  clusteringLags?: number;
  signMemoryMinAcf?: number;
  minDepthLevels?: number;
  minDepthShare?: number;
  maxEmptySideShare?: number;
  maxMedianSpreadTicks?: number;
  /** Fewest aggregated returns a horizon needs for its kurtosis to count. */
  minAggregated?: number;
  /** Trade signs (+1 / −1), in trade order. */
  tradeSigns?: ArrayLike<number>;
  /** The book after each tick. */
  book?: BookSample;
}

/** Per tick: price levels on each side and the spread in ticks (NaN when a side is empty). */
export interface BookSample {
  bidLevels: ArrayLike<number>;
  askLevels: ArrayLike<number>;
  spreadTicks: ArrayLike<number>;
}

export interface FactCheck {
  pass: boolean;
  criterion: string;
  value: number | null;
}

/** Facts of the return series: always checked. */
export type ReturnFactName =
  | 'lag1_autocorrelation'
  | 'no_linear_predictability'
  | 'variance_ratio'
  | 'heavy_tails'
  | 'tail_index'
  | 'volatility_clustering'
  | 'clustering_decay'
  | 'aggregational_gaussianity';
/** Facts that need trade signs or book samples: checked when those are given. */
export type FlowFactName = 'trade_sign_memory' | 'book_depth' | 'two_sided_book' | 'spread';
export type FactName = ReturnFactName | FlowFactName;
export type Facts = Record<ReturnFactName, FactCheck> & Partial<Record<FlowFactName, FactCheck>>;

export interface StylizedFactsReport {
  n: number;
  excess_kurtosis: number | null;
  acf_raw: (number | null)[];
  acf_abs: (number | null)[];
  kurtosis_by_horizon: { horizon: number; n: number; excess_kurtosis: number | null }[];
  variance_ratio: number | null;
  hill_index: number | null;
  /** Trade-sign ACF at lags 1..maxLag (empty without signs). */
  acf_signs: (number | null)[];
  book: { ticks: number; depth_share: number; empty_side_share: number; median_spread_ticks: number | null } | null;
  /** Facts that could be checked (the sign and book facts need their inputs). */
  facts: Facts;
  /** Every checked fact passed. */
  pass: boolean;
  failed: FactName[];
}

/** Sums of consecutive non-overlapping blocks of length h (a trailing partial block is dropped). */
export function aggregateReturns(r: ArrayLike<number>, h: number): Float64Array {
  const m = Math.floor(r.length / h);
  const out = new Float64Array(m);
  for (let b = 0; b < m; b++) {
    let s = 0;
    for (let k = 0; k < h; k++) s += r[b * h + k]!;
    out[b] = s;
  }
  return out;
}

/** Var(overlapping q-sums) / (q · Var(r)): 1 for a random walk, < 1 mean-reverting, > 1 trending. */
export function varianceRatio(r: ArrayLike<number>, q: number): number | null {
  const v1 = variance(r);
  if (v1 === null || !(v1 > 0) || r.length < q * 10) return null;
  const sums = new Float64Array(r.length - q + 1);
  let s = 0;
  for (let k = 0; k < q; k++) s += r[k]!;
  sums[0] = s;
  for (let t = q; t < r.length; t++) {
    s += r[t]! - r[t - q]!;
    sums[t - q + 1] = s;
  }
  const vq = variance(sums);
  return vq === null ? null : vq / (q * v1);
}

/**
 * Hill estimator of the tail index of |x| over its largest `share` of non-zero values:
 * m / sum(ln(x_(i) / x_(k))) over the m values above the k-th largest. On a tick grid |returns|
 * take few distinct values, and the "same" move differs in its last digits with the price level:
 * values within `tieTolerance` (relative) of the threshold count as ties, not as tail.
 */
export function hillIndex(x: ArrayLike<number>, share: number, tieTolerance = 0.01): number | null {
  const abs: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]!);
    if (v > 0 && Number.isFinite(v)) abs.push(v);
  }
  abs.sort((a, b) => b - a);
  const k = Math.floor(abs.length * share);
  if (k < 10) return null;
  const threshold = abs[k]!;
  let sum = 0;
  let m = 0;
  for (let i = 0; i < k; i++) {
    if (abs[i]! > threshold * (1 + tieTolerance)) {
      sum += Math.log(abs[i]! / threshold);
      m++;
    }
  }
  return m > 0 && sum > 0 ? m / sum : null;
}

function meanOf(xs: (number | null)[], from: number, to: number): number | null {
  let s = 0;
  let n = 0;
  for (let lag = from; lag <= to; lag++) {
    const v = xs[lag - 1];
    if (v === null || v === undefined) return null;
    s += v;
    n++;
  }
  return n > 0 ? s / n : null;
}

export function stylizedFacts(returns: ArrayLike<number>, opts: StylizedFactsOptions = {}): StylizedFactsReport {
  const maxLag = Math.max(opts.maxLag ?? 50, 50);
  const horizons = opts.horizons ?? [1, 10, 50];
  const kTail = opts.heavyTailKurtosis ?? 1;
  const lag1Max = opts.lag1MaxAbs ?? 0.15;
  const predLags = opts.predictabilityLags ?? 20;
  const maxAcf = opts.predictabilityMaxAcf ?? 0.05;
  const vrQ = opts.varianceRatioHorizon ?? 10;
  const vrMin = opts.varianceRatioMin ?? 0.8;
  const vrMax = opts.varianceRatioMax ?? 1.2;
  const hillShare = opts.hillTailShare ?? 0.05;
  const hillMin = opts.hillMin ?? 2;
  const hillMax = opts.hillMax ?? 6;
  const clusterLags = opts.clusteringLags ?? 20;
  const signMin = opts.signMemoryMinAcf ?? 0.01;
  const minAgg = opts.minAggregated ?? 20;
  const r = Float64Array.from(returns as ArrayLike<number>).filter((x) => Number.isFinite(x));
  const abs = r.map(Math.abs);
  const kurt = excessKurtosis(r);
  const acfRaw = acf(r, maxLag);
  const acfAbs = acf(abs, maxLag);
  const facts = {} as Facts;

  const lag1 = acfRaw[0] ?? null;
  facts.lag1_autocorrelation = {
    pass: lag1 !== null && Math.abs(lag1) <= lag1Max,
    criterion: `|ACF(returns, 1)| <= ${lag1Max} (quote noise re-drawn each tick gives about -0.4; i.i.d. noise on a price -0.5)`,
    value: lag1,
  };

  let predSum = 0;
  let predN = 0;
  for (let lag = 2; lag <= predLags; lag++) {
    const v = acfRaw[lag - 1];
    if (v !== null && v !== undefined) {
      predSum += Math.abs(v);
      predN++;
    }
  }
  const predMean = predN > 0 ? predSum / predN : null;
  facts.no_linear_predictability = {
    pass: predMean !== null && predMean < maxAcf,
    criterion: `mean |ACF(returns, lag)| over lags 2..${predLags} < ${maxAcf}`,
    value: predMean,
  };

  const vr = varianceRatio(r, vrQ);
  facts.variance_ratio = {
    pass: vr !== null && vr >= vrMin && vr <= vrMax,
    criterion: `variance ratio Var(${vrQ}-tick returns) / (${vrQ} Var(1-tick returns)) in [${vrMin}, ${vrMax}]`,
    value: vr,
  };

  facts.heavy_tails = {
    pass: kurt !== null && kurt > kTail,
    criterion: `excess kurtosis of 1-tick returns > ${kTail}`,
    value: kurt,
  };

  const hill = hillIndex(r, hillShare);
  facts.tail_index = {
    pass: hill !== null && hill >= hillMin && hill <= hillMax,
    criterion: `Hill tail index of |1-tick returns| over the top ${hillShare * 100} % in [${hillMin}, ${hillMax}] (real markets: about 3)`,
    value: hill,
  };

  let minAbsAcf: number | null = null;
  let clusterDefined = true;
  for (let lag = 1; lag <= clusterLags; lag++) {
    const v = acfAbs[lag - 1];
    if (v === null || v === undefined) {
      clusterDefined = false;
      break;
    }
    minAbsAcf = minAbsAcf === null ? v : Math.min(minAbsAcf, v);
  }
  facts.volatility_clustering = {
    pass: clusterDefined && minAbsAcf !== null && minAbsAcf > 0,
    criterion: `ACF(|returns|, lag) > 0 for every lag 1..${clusterLags} (value: the smallest of them)`,
    value: clusterDefined ? minAbsAcf : null,
  };

  const early = meanOf(acfAbs, 1, 5);
  const late = meanOf(acfAbs, 41, 50);
  facts.clustering_decay = {
    pass: early !== null && late !== null && late > 0 && late < early,
    criterion: 'mean ACF(|returns|) over lags 41..50 > 0 and below its mean over lags 1..5 (slowly decaying clustering; value: the ratio late/early)',
    value: early !== null && late !== null && early !== 0 ? late / early : null,
  };

  const byHorizon = horizons.map((h) => {
    const agg = aggregateReturns(r, h);
    return { horizon: h, n: agg.length, excess_kurtosis: agg.length >= minAgg ? excessKurtosis(agg) : null };
  });
  let decreasing = byHorizon.length >= 2;
  let smallestDrop: number | null = null;
  for (let k = 1; k < byHorizon.length; k++) {
    const a = byHorizon[k - 1]!.excess_kurtosis;
    const b = byHorizon[k]!.excess_kurtosis;
    if (a === null || b === null) {
      decreasing = false;
      smallestDrop = null;
      break;
    }
    const drop = a - b;
    smallestDrop = smallestDrop === null ? drop : Math.min(smallestDrop, drop);
    if (!(b < a)) decreasing = false;
  }
  facts.aggregational_gaussianity = {
    pass: decreasing,
    criterion: `excess kurtosis strictly decreasing over horizons ${horizons.join(', ')} (each needs >= ${minAgg} aggregated returns; value: the smallest drop)`,
    value: smallestDrop,
  };

  let acfSigns: (number | null)[] = [];
  if (opts.tradeSigns) {
    acfSigns = acf(Float64Array.from(opts.tradeSigns as ArrayLike<number>), maxLag);
    const s1 = acfSigns[0] ?? null;
    const sLate = meanOf(acfSigns, 41, 50);
    facts.trade_sign_memory = {
      pass: s1 !== null && sLate !== null && s1 > 0 && sLate > signMin,
      criterion: `ACF(trade signs, 1) > 0 and mean ACF(trade signs) over lags 41..50 > ${signMin} (long memory of order flow; value: that mean)`,
      value: sLate,
    };
  }

  let book: StylizedFactsReport['book'] = null;
  if (opts.book) {
    const minLevels = opts.minDepthLevels ?? 3;
    const depthShareMin = opts.minDepthShare ?? 0.9;
    const emptyMax = opts.maxEmptySideShare ?? 0.01;
    const spreadMax = opts.maxMedianSpreadTicks ?? 5;
    const { bidLevels, askLevels, spreadTicks } = opts.book;
    const n = bidLevels.length;
    let deep = 0;
    let empty = 0;
    const spreads: number[] = [];
    for (let t = 0; t < n; t++) {
      const b = bidLevels[t]!;
      const a = askLevels[t]!;
      if (b >= minLevels && a >= minLevels) deep++;
      if (b === 0 || a === 0) empty++;
      const s = spreadTicks[t]!;
      if (Number.isFinite(s)) spreads.push(s);
    }
    spreads.sort((x, y) => x - y);
    const median = spreads.length ? quantileSorted(spreads, 0.5) : null;
    book = { ticks: n, depth_share: n ? deep / n : 0, empty_side_share: n ? empty / n : 0, median_spread_ticks: median };
    facts.book_depth = {
      pass: n > 0 && book.depth_share >= depthShareMin,
      criterion: `>= ${minLevels} price levels on both sides on >= ${depthShareMin * 100} % of ticks (value: that share)`,
      value: book.depth_share,
    };
    facts.two_sided_book = {
      pass: n > 0 && book.empty_side_share <= emptyMax,
      criterion: `one side of the book empty on <= ${emptyMax * 100} % of ticks (value: that share)`,
      value: book.empty_side_share,
    };
    facts.spread = {
      pass: median !== null && median <= spreadMax,
      criterion: `median spread <= ${spreadMax} ticks (value: the median, ticks)`,
      value: median,
    };
  }

  const failed = (Object.keys(facts) as FactName[]).filter((k) => !facts[k]!.pass);
  return {
    n: r.length,
    excess_kurtosis: kurt,
    acf_raw: acfRaw,
    acf_abs: acfAbs,
    kurtosis_by_horizon: byHorizon,
    variance_ratio: vr,
    hill_index: hill,
    acf_signs: acfSigns,
    book,
    facts,
    pass: failed.length === 0,
    failed,
  };
}
