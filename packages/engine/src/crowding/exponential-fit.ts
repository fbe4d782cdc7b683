/**
 * Fitting `y = a · exp(−λ x)` in levels, and a moving-block bootstrap of its half-life
 * (docs/MODEL.md, "Alpha decay").
 *
 * Why levels: the original fitted log(max(y, floor)) by OLS, so every negative or zero Sharpe
 * became log(0.001) = −6.9, the fit was dominated by the floor and could show "decay" in data that
 * only changed sign. Here the residuals are in y's own units, negative values stay negative, and
 * for a fixed λ the best `a` is linear (a(λ) = Σ y e^{−λx} / Σ e^{−2λx}), so the fit profiles the
 * sum of squares over λ alone: a log-spaced grid, then a safeguarded Newton refinement around the best
 * grid point.
 *
 * A *decaying exponential fits* only when the best λ is strictly inside the searched range, a > 0
 * (there is positive alpha to decay) and the curve explains more than the constant (its SSE is
 * below the SSE of y = mean). Otherwise the result says why, and there is no half-life and no
 * interval.
 *
 * The bootstrap resamples *blocks* of consecutive samples from each sequence (one sequence per
 * agent, in time order), because neighbouring windows of one agent are not independent; a resample
 * that does not fit a decaying exponential counts as an infinite half-life.
 */
import type { Rng } from '../rng.js';

export interface LevelsFit {
  /** True when a decaying exponential fits (see the file comment); false: no half-life. */
  decays: boolean;
  /** Why not, when `decays` is false. */
  reason: string | null;
  a: number;
  lambda: number;
  /** ln 2 / λ in x units, or null. */
  halfLife: number | null;
  /** 1 − SSE / SST of the fitted curve (of the constant when nothing decays: 0). */
  r2: number;
  samples: number;
}

/** Grid points over λ (log-spaced) before refinement. */
const GRID = 32;
/**
 * Refinement steps at most: safeguarded Newton on dSSE/dλ inside the grid bracket (bisection in
 * log λ when a step would leave it); it usually converges in 4–6 steps.
 */
const REFINE = 60;
/** The refinement stops when a step or the bracket is below this share of λ. */
const REFINE_TOL = 1e-12;
/** The grid spans half-lives from 1/SPAN of the x range to SPAN times it. */
const SPAN = 200;

/**
 * The weighted sums of one λ, e = exp(−λ x): [Σ w y e, Σ w e², Σ w x y e, Σ w x e², Σ w x² y e,
 * Σ w x² e²] (the last four only with `derivatives`). Module scratch: the fit is synchronous.
 */
const S = new Float64Array(6);

function profileSums(xs: ArrayLike<number>, ys: ArrayLike<number>, ws: ArrayLike<number> | null, lambda: number, derivatives: boolean): void {
  let n0 = 0;
  let d0 = 0;
  let n1 = 0;
  let d1 = 0;
  let n2 = 0;
  let d2 = 0;
  const n = xs.length;
  for (let k = 0; k < n; k++) {
    const x = xs[k]!;
    const w = ws ? ws[k]! : 1;
    const e = Math.exp(-lambda * x);
    const ye = w * ys[k]! * e;
    const ee = w * e * e;
    n0 += ye;
    d0 += ee;
    if (derivatives) {
      n1 += x * ye;
      d1 += x * ee;
      n2 += x * x * ye;
      d2 += x * x * ee;
    }
  }
  S[0] = n0;
  S[1] = d0;
  S[2] = n1;
  S[3] = d1;
  S[4] = n2;
  S[5] = d2;
}

/** With a = Σ w y e / Σ w e² (the best level for this λ), SSE = Σ w y² − (Σ w y e)² / Σ w e². */
function profileSse(xs: ArrayLike<number>, ys: ArrayLike<number>, ws: ArrayLike<number> | null, lambda: number, sumSq: number): number {
  profileSums(xs, ys, ws, lambda, false);
  return S[1]! > 0 ? sumSq - (S[0]! * S[0]!) / S[1]! : sumSq;
}

/** `profileSse` at grid point g of a shared grid, from its table. */
function tabulatedSse(shared: SharedGrid, g: number, ys: ArrayLike<number>, ws: ArrayLike<number> | null, sumSq: number): number {
  const { table, idx, m } = shared;
  const row = g * m;
  let num = 0;
  let den = 0;
  const n = ys.length;
  for (let u = 0; u < n; u++) {
    const e = table[row + idx[u]!]!;
    const w = ws ? ws[u]! : 1;
    num += w * ys[u]! * e;
    den += w * e * e;
  }
  return den > 0 ? sumSq - (num * num) / den : sumSq;
}

/** The level and the SSE at λ, the residuals summed exactly (not through the profile identity). */
function sseAt(xs: ArrayLike<number>, ys: ArrayLike<number>, ws: ArrayLike<number> | null, lambda: number): { sse: number; a: number } {
  profileSums(xs, ys, ws, lambda, false);
  const a = S[1]! > 0 ? S[0]! / S[1]! : 0;
  let sse = 0;
  const n = xs.length;
  for (let k = 0; k < n; k++) {
    const r = ys[k]! - a * Math.exp(-lambda * xs[k]!);
    sse += (ws ? ws[k]! : 1) * r * r;
  }
  return { sse, a };
}

/**
 * The SSE minimum in [lo, hi], from `start`: Newton steps on g = dSSE/dλ with
 *   g = 2 N N1 / D − 2 N² D1 / D²
 *   h = −2 (N1² + N N2) / D + 8 N N1 D1 / D² + 4 N² D2 / D² − 8 N² D1² / D³
 * (N, D, N1, D1, N2, D2 the sums of `profileSums`), the bracket shrinking on the sign of g, and a
 * bisection in log λ whenever a step would leave it or h ≤ 0.
 */
function refine(xs: ArrayLike<number>, ys: ArrayLike<number>, ws: ArrayLike<number> | null, lo: number, hi: number, start: number): number {
  let a = lo;
  let b = hi;
  let lambda = start;
  for (let it = 0; it < REFINE; it++) {
    profileSums(xs, ys, ws, lambda, true);
    const [N, D, N1, D1, N2, D2] = S as unknown as [number, number, number, number, number, number];
    if (!(D > 0)) break;
    const g = (2 * N * N1) / D - (2 * N * N * D1) / (D * D);
    const h = (-2 * (N1 * N1 + N * N2)) / D + (8 * N * N1 * D1) / (D * D) + (4 * N * N * D2) / (D * D) - (8 * N * N * D1 * D1) / (D * D * D);
    if (g > 0) b = lambda;
    else a = lambda;
    let next = h > 0 ? lambda - g / h : NaN;
    if (!(next > a && next < b)) next = Math.sqrt(a * b);
    const done = Math.abs(next - lambda) <= REFINE_TOL * lambda || b - a <= REFINE_TOL * lambda;
    lambda = next;
    if (done) break;
  }
  return lambda;
}

/**
 * The λ grid of a search over x values spanning `range`: half-lives from range/SPAN to range*SPAN,
 * GRID points log-spaced from `lo` by `step` (in log λ).
 */
function gridFor(range: number): { lo: number; step: number } {
  const lo = Math.LN2 / (range * SPAN);
  const hi = (Math.LN2 * SPAN) / range;
  return { lo, step: Math.log(hi / lo) / (GRID - 1) };
}

/**
 * A λ grid shared by every resample of one data set, with exp(−λ_g x_k) tabulated once for each
 * grid point g and sample k of the data (`table[g * m + k]`): a resample's grid stage then needs no
 * exp at all. `idx` maps the resample's distinct samples to the data's indices.
 */
export interface SharedGrid {
  lo: number;
  step: number;
  m: number;
  table: Float64Array;
  idx: ArrayLike<number>;
}

/** The shared grid of a data set (null when its x does not vary). */
export function sharedGrid(xs: ArrayLike<number>): Omit<SharedGrid, 'idx'> | null {
  const m = xs.length;
  let minX = Infinity;
  let maxX = -Infinity;
  for (let k = 0; k < m; k++) {
    if (xs[k]! < minX) minX = xs[k]!;
    if (xs[k]! > maxX) maxX = xs[k]!;
  }
  if (!(maxX - minX > 1e-12)) return null;
  const { lo, step } = gridFor(maxX - minX);
  const table = new Float64Array(GRID * m);
  for (let g = 0; g < GRID; g++) {
    const lambda = lo * Math.exp(step * g);
    for (let k = 0; k < m; k++) table[g * m + k] = Math.exp(-lambda * xs[k]!);
  }
  return { lo, step, m, table };
}

/**
 * Least-squares `y = a exp(−λ x)` in levels; see the file comment for when it "decays". `ws`
 * (optional) weights each sample by how many times it counts (a bootstrap resample holds repeats).
 * `shared` (bootstrap resamples): search the data's λ grid, from its tabulated exps, instead of a
 * grid of the resample's own x range.
 */
export function fitExponentialLevels(xs: ArrayLike<number>, ys: ArrayLike<number>, ws: ArrayLike<number> | null = null, shared: SharedGrid | null = null): LevelsFit {
  const len = xs.length;
  let n = 0;
  let mean = 0;
  let minX = Infinity;
  let maxX = -Infinity;
  for (let k = 0; k < len; k++) {
    const w = ws ? ws[k]! : 1;
    n += w;
    mean += w * ys[k]!;
    if (xs[k]! < minX) minX = xs[k]!;
    if (xs[k]! > maxX) maxX = xs[k]!;
  }
  mean = n > 0 ? mean / n : 0;
  let sst = 0;
  let sumSq = 0;
  for (let k = 0; k < len; k++) {
    const w = ws ? ws[k]! : 1;
    sst += w * (ys[k]! - mean) ** 2;
    sumSq += w * ys[k]! * ys[k]!;
  }
  const none = (reason: string): LevelsFit => ({ decays: false, reason, a: mean, lambda: 0, halfLife: null, r2: 0, samples: n });
  if (n < 3) return none('fewer than 3 samples');
  const range = maxX - minX;
  if (!(range > 1e-12)) return none('exposure does not vary across the samples');
  if (!(sst > 1e-20 * sumSq) || !(sst > 1e-300)) return none('the Sharpe does not vary across the samples');

  const { lo, step } = shared ?? gridFor(range);
  let best = -1;
  let bestSse = Infinity;
  const grid = new Float64Array(GRID);
  for (let g = 0; g < GRID; g++) {
    grid[g] = lo * Math.exp(step * g);
    const sse = shared ? tabulatedSse(shared, g, ys, ws, sumSq) : profileSse(xs, ys, ws, grid[g]!, sumSq);
    if (sse < bestSse) {
      bestSse = sse;
      best = g;
    }
  }
  if (best === 0) return none('no decay: the best fit is flat (lambda at the slow end of the searched range)');
  if (best === GRID - 1) return none('no exponential decay resolvable: the best fit drops faster than the samples are spaced');
  const lambda = refine(xs, ys, ws, grid[best - 1]!, grid[best + 1]!, grid[best]!);
  const fit = sseAt(xs, ys, ws, lambda);
  const r2 = 1 - fit.sse / sst;
  if (!(fit.a > 0)) return none('no positive alpha to decay (the fitted level a is <= 0)');
  if (!(fit.sse < sst)) return none('the exponential explains no more than a constant');
  return { decays: true, reason: null, a: fit.a, lambda, halfLife: Math.LN2 / lambda, r2, samples: n };
}

/** A least-squares fit of `ln y = ln a − λ x` (the original estimator; ys are already logs). */
export interface LogLinearFit {
  /** exp(intercept), or exp(mean of ys) when x does not vary. */
  alphaMax: number;
  /** max(−slope, 0): a rising line is "no decay". */
  lambda: number;
  r2: number;
}

/**
 * The original estimator's fit: weighted OLS of `ys` (log Sharpe, floored before the log by the
 * caller) on `xs`, λ = max(−slope, 0). Same as `ols` in analytics/stats.ts with repeats as weights.
 */
export function fitLogLinear(xs: ArrayLike<number>, ys: ArrayLike<number>, ws: ArrayLike<number> | null = null): LogLinearFit {
  const len = xs.length;
  let n = 0;
  let mx = 0;
  let my = 0;
  for (let k = 0; k < len; k++) {
    const w = ws ? ws[k]! : 1;
    n += w;
    mx += w * xs[k]!;
    my += w * ys[k]!;
  }
  mx = n > 0 ? mx / n : 0;
  my = n > 0 ? my / n : 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let k = 0; k < len; k++) {
    const w = ws ? ws[k]! : 1;
    const dx = xs[k]! - mx;
    const dy = ys[k]! - my;
    sxx += w * dx * dx;
    sxy += w * dx * dy;
    syy += w * dy * dy;
  }
  if (n < 2 || sxx <= 1e-300) return { alphaMax: Math.exp(my), lambda: 0, r2: 0 };
  const slope = sxy / sxx;
  const ssRes = syy - slope * sxy;
  return { alphaMax: Math.exp(my - slope * mx), lambda: Math.max(-slope, 0), r2: syy <= 1e-300 ? 1 : Math.max(0, 1 - ssRes / syy) };
}

/** λ below this counts as "no decay" in the original estimator (half-life null). */
export const LOG_LINEAR_LAMBDA_EPS = 1e-9;

/**
 * A half-life estimator for the bootstrap: given the data, the function that fits one resample
 * (its distinct samples, repeats as weights, `idx` their indices in the data) and returns its
 * half-life, or null when it does not decay.
 */
export type HalfLifeEstimator = (
  xs: Float64Array,
  ys: Float64Array,
) => (xs: Float64Array, ys: Float64Array, ws: Float64Array, idx: Int32Array) => number | null;

/**
 * The levels fit's half-life (the default estimator). Every resample searches the data's λ grid
 * (tabulated once) rather than one of its own x range, then refines as the point fit does.
 */
export const levelsHalfLife: HalfLifeEstimator = (xs) => {
  const grid = sharedGrid(xs);
  return (ux, uy, uw, idx) => fitExponentialLevels(ux, uy, uw, grid && { ...grid, idx }).halfLife;
};

/** The original estimator's half-life: ln 2 / λ of the log-linear fit, null when λ ≈ 0. */
export const logLinearHalfLife: HalfLifeEstimator = () => (ux, uy, uw) => {
  const f = fitLogLinear(ux, uy, uw);
  return f.lambda > LOG_LINEAR_LAMBDA_EPS ? Math.LN2 / f.lambda : null;
};

export interface BootstrapInterval {
  level: number;
  /** Percentile bounds of the half-life; a bound is null where it is infinite (no decay in that share of resamples). */
  lower: number | null;
  upper: number | null;
  resamples: number;
  /** Samples per block. */
  blockLength: number;
}

/**
 * Percentile bounds of sorted half-lives (Infinity where a resample did not decay), linearly
 * interpolated; a bound is null where it is infinite.
 */
export function percentileBounds(sorted: Float64Array, level: number): { lower: number | null; upper: number | null } {
  const B = sorted.length;
  const tail = (1 - level) / 2;
  const at = (q: number): number => {
    const pos = q * (B - 1);
    const i = Math.floor(pos);
    const j = Math.min(i + 1, B - 1);
    const u = sorted[i]!;
    const v = sorted[j]!;
    return u === v ? u : !Number.isFinite(v) ? v : u + (v - u) * (pos - i);
  };
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return { lower: finite(at(tail)), upper: finite(at(1 - tail)) };
}

/**
 * Moving-block bootstrap of the half-life: each resample concatenates blocks of `blockLength`
 * consecutive samples, each block drawn uniformly from all block starts inside one sequence, until
 * it has as many samples as the data. `sequences` are [start, end) ranges of `xs`/`ys` (time order).
 * Each resample is fitted once over its distinct samples, repeats counted as weights (the same
 * least squares as over the repeated list, with about 1 − 1/e of the work). `estimator` defaults
 * to the levels fit; with `blockLength` 1 and one sequence this is the i.i.d. bootstrap of the
 * original estimator (`logLinearHalfLife`).
 */
export function blockBootstrapHalfLife(
  xs: Float64Array,
  ys: Float64Array,
  sequences: readonly [number, number][],
  opts: { resamples: number; level: number; blockLength: number },
  rng: Rng,
  estimator: HalfLifeEstimator = levelsHalfLife,
): BootstrapInterval | null {
  const B = Math.floor(opts.resamples);
  const m = xs.length;
  if (B < 1 || m === 0) return null;
  const L = Math.max(1, Math.floor(opts.blockLength));
  // every valid block start (a block never crosses from one agent into the next)
  const starts: number[] = [];
  for (const [s, e] of sequences) {
    // an empty sequence has no block (its start would add nothing and never fill a resample)
    if (!(e > s)) continue;
    const len = Math.min(L, e - s);
    for (let k = s; k + len <= e; k++) starts.push(k);
  }
  if (starts.length === 0) return null;
  const counts = new Int32Array(m);
  const touched = new Int32Array(m);
  const ux = new Float64Array(m);
  const uy = new Float64Array(m);
  const uw = new Float64Array(m);
  const lives = new Float64Array(B);
  const seqEnd = new Int32Array(m);
  for (const [s, e] of sequences) for (let k = s; k < e; k++) seqEnd[k] = e;
  const fit = estimator(xs, ys);
  for (let b = 0; b < B; b++) {
    let filled = 0;
    let distinct = 0;
    while (filled < m) {
      const s = starts[Math.floor(rng.next() * starts.length)]!;
      const end = Math.min(s + L, seqEnd[s]!);
      for (let k = s; k < end && filled < m; k++) {
        if (counts[k] === 0) touched[distinct++] = k;
        counts[k]!++;
        filled++;
      }
    }
    for (let u = 0; u < distinct; u++) {
      const k = touched[u]!;
      ux[u] = xs[k]!;
      uy[u] = ys[k]!;
      uw[u] = counts[k]!;
      counts[k] = 0;
    }
    lives[b] = fit(ux.subarray(0, distinct), uy.subarray(0, distinct), uw.subarray(0, distinct), touched.subarray(0, distinct)) ?? Infinity;
  }
  lives.sort();
  return { level: opts.level, ...percentileBounds(lives, opts.level), resamples: B, blockLength: L };
}
