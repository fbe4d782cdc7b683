/**
 * Small numeric helpers shared by the crowding and analytics modules. They take `ArrayLike<number>`
 * so plain arrays and typed arrays both work, never allocate in the hot helpers, and return `null`
 * (not NaN) where a statistic is undefined, so JSON output stays valid.
 */

export function mean(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i]!;
  return s / n;
}

/** Variance with `ddof` degrees of freedom removed (0 = population, 1 = sample); null if n <= ddof. */
export function variance(xs: ArrayLike<number>, ddof = 0): number | null {
  const n = xs.length;
  if (n <= ddof) return null;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m;
    s += d * d;
  }
  return s / (n - ddof);
}

export function std(xs: ArrayLike<number>, ddof = 0): number | null {
  const v = variance(xs, ddof);
  return v === null ? null : Math.sqrt(v);
}

/**
 * Excess kurtosis, the population (moment) estimator m4/m2^2 - 3 that numpy/scipy's default
 * `kurtosis(fisher=True, bias=True)` gives. Null with fewer than 4 values or zero variance.
 */
export function excessKurtosis(xs: ArrayLike<number>): number | null {
  const n = xs.length;
  if (n < 4) return null;
  const m = mean(xs);
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m;
    const d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= n;
  m4 /= n;
  if (m2 <= 1e-300) return null;
  return m4 / (m2 * m2) - 3;
}

/**
 * Autocorrelation at `lag`: sum_t (x_t - m)(x_{t+lag} - m) / sum_t (x_t - m)^2, the usual
 * sample ACF (one overall mean, one overall denominator). Null when undefined.
 */
export function autocorrelation(xs: ArrayLike<number>, lag: number): number | null {
  const n = xs.length;
  if (lag < 1 || n <= lag + 1) return null;
  const m = mean(xs);
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m;
    den += d * d;
  }
  if (den <= 1e-300) return null;
  let num = 0;
  for (let i = 0; i + lag < n; i++) num += (xs[i]! - m) * (xs[i + lag]! - m);
  return num / den;
}

/** ACF for lags 1..maxLag (entries are null where undefined). */
export function acf(xs: ArrayLike<number>, maxLag: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let k = 1; k <= maxLag; k++) out.push(autocorrelation(xs, k));
  return out;
}

/**
 * Quantile `q` in [0,1] of already ascending-sorted values, linear interpolation between closest
 * ranks (numpy's default `linear` method). 0 for an empty input.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (n === 1) return sorted[0]!;
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * frac;
}

/** Quantile of unsorted values (copies, sorts numerically). */
export function quantile(xs: ArrayLike<number>, q: number): number {
  const copy = Float64Array.from(xs as ArrayLike<number>);
  copy.sort();
  return quantileSorted(copy, q);
}

export function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Ordinary least squares y = a + b x. Null when x has no spread. r2 is 1 when y is constant. */
export function ols(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
): { intercept: number; slope: number; r2: number } | null {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return null;
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx <= 1e-300) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssRes = syy - slope * sxy;
  const r2 = syy <= 1e-300 ? 1 : Math.max(0, 1 - ssRes / syy);
  return { intercept, slope, r2 };
}

/** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom (then ~normal). */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** The t quantile of a two-sided 95 % interval with `df` degrees of freedom (1.96 beyond 30). */
export function tQuantile975(df: number): number {
  return df >= 1 && df <= 30 ? (T975[df - 1] as number) : 1.96;
}
