/**
 * Stylized facts of a return series (Cont 2001): a check that the simulated market behaves like
 * a real one. Each fact is reported with its statistic, its pass/fail and the criterion in words,
 * as plain JSON.
 *
 *   heavy_tails                excess kurtosis of 1-tick returns > heavyTailKurtosis (1)
 *   no_linear_predictability   mean |ACF(r, lag)| over lags 2..maxLag < predictabilityMaxAcf (0.05)
 *   volatility_clustering      ACF(|r|, lag) > 0 for every lag 1..clusteringLags (10)
 *   aggregational_gaussianity  excess kurtosis strictly decreasing over horizons (1, 10, 50),
 *                              returns summed over non-overlapping blocks
 */
import { acf, excessKurtosis } from './stats.js';

export interface StylizedFactsOptions {
  maxLag?: number;
  horizons?: number[];
  heavyTailKurtosis?: number;
  predictabilityMaxAcf?: number;
  clusteringLags?: number;
  /** Fewest aggregated returns a horizon needs for its kurtosis to count. */
  minAggregated?: number;
}

export interface FactCheck {
  pass: boolean;
  criterion: string;
  value: number | null;
}

export interface StylizedFactsReport {
  n: number;
  excess_kurtosis: number | null;
  acf_raw: (number | null)[];
  acf_abs: (number | null)[];
  kurtosis_by_horizon: { horizon: number; n: number; excess_kurtosis: number | null }[];
  facts: {
    heavy_tails: FactCheck;
    no_linear_predictability: FactCheck;
    volatility_clustering: FactCheck;
    aggregational_gaussianity: FactCheck;
  };
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

export function stylizedFacts(returns: ArrayLike<number>, opts: StylizedFactsOptions = {}): StylizedFactsReport {
  const maxLag = opts.maxLag ?? 50;
  const horizons = opts.horizons ?? [1, 10, 50];
  const kTail = opts.heavyTailKurtosis ?? 1;
  const maxAcf = opts.predictabilityMaxAcf ?? 0.05;
  const clusterLags = opts.clusteringLags ?? 10;
  const minAgg = opts.minAggregated ?? 20;
  const r = Float64Array.from(returns as ArrayLike<number>).filter((x) => Number.isFinite(x));
  const abs = r.map(Math.abs);
  const kurt = excessKurtosis(r);
  const acfRaw = acf(r, maxLag);
  const acfAbs = acf(abs, maxLag);

  let predSum = 0;
  let predN = 0;
  for (let lag = 2; lag <= maxLag; lag++) {
    const v = acfRaw[lag - 1];
    if (v !== null && v !== undefined) {
      predSum += Math.abs(v);
      predN++;
    }
  }
  const predMean = predN > 0 ? predSum / predN : null;

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

  return {
    n: r.length,
    excess_kurtosis: kurt,
    acf_raw: acfRaw,
    acf_abs: acfAbs,
    kurtosis_by_horizon: byHorizon,
    facts: {
      heavy_tails: {
        pass: kurt !== null && kurt > kTail,
        criterion: `excess kurtosis of 1-tick returns > ${kTail}`,
        value: kurt,
      },
      no_linear_predictability: {
        pass: predMean !== null && predMean < maxAcf,
        criterion: `mean |ACF(returns, lag)| over lags 2..${maxLag} < ${maxAcf}`,
        value: predMean,
      },
      volatility_clustering: {
        pass: clusterDefined && minAbsAcf !== null && minAbsAcf > 0,
        criterion: `ACF(|returns|, lag) > 0 for every lag 1..${clusterLags} (value: the smallest of them)`,
        value: clusterDefined ? minAbsAcf : null,
      },
      aggregational_gaussianity: {
        pass: decreasing,
        criterion: `excess kurtosis strictly decreasing over horizons ${horizons.join(', ')} (each needs >= ${minAgg} aggregated returns; value: the smallest drop)`,
        value: smallestDrop,
      },
    },
  };
}
