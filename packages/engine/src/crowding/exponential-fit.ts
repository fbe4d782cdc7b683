/**
 * Fitting `y = a · exp(−λ x)` in levels, and a moving-block bootstrap of its half-life
 * (docs/MODEL.md, "Alpha decay").
 *
 * Why levels: the original fitted log(max(y, floor)) by OLS, so every negative or zero Sharpe
 * became log(0.001) = −6.9, the fit was dominated by the floor and could show "decay" in data that
 * only changed sign. Here the residuals are in y's own units, negative values stay negative, and
 * for a fixed λ the best `a` is linear (a(λ) = Σ y e^{−λx} / Σ e^{−2λx}), so the fit profiles the
 * sum of squares over λ alone: a log-spaced grid, then golden-section refinement around the best
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
/** Golden-section iterations of the refinement (shrinks the bracket by 0.618^30 ≈ 5e-7). */
const REFINE = 30;
/** The grid spans half-lives from 1/SPAN of the x range to SPAN times it. */
const SPAN = 200;

/**
 * The profiled SSE for the search, in one pass: with a = Σ y e / Σ e², SSE = Σ y² − (Σ y e)² / Σ e².
 * (The final fit is re-evaluated exactly by `sseAt`.)
 */
function profileSse(xs: ArrayLike<number>, ys: ArrayLike<number>, lambda: number, sumSq: number): number {
  let num = 0;
  let den = 0;
  const n = xs.length;
  for (let k = 0; k < n; k++) {
    const e = Math.exp(-lambda * xs[k]!);
    num += ys[k]! * e;
    den += e * e;
  }
  return den > 0 ? sumSq - (num * num) / den : sumSq;
}

function sseAt(xs: ArrayLike<number>, ys: ArrayLike<number>, lambda: number): { sse: number; a: number } {
  let num = 0;
  let den = 0;
  const n = xs.length;
  for (let k = 0; k < n; k++) {
    const e = Math.exp(-lambda * xs[k]!);
    num += ys[k]! * e;
    den += e * e;
  }
  const a = den > 0 ? num / den : 0;
  let sse = 0;
  for (let k = 0; k < n; k++) {
    const r = ys[k]! - a * Math.exp(-lambda * xs[k]!);
    sse += r * r;
  }
  return { sse, a };
}

/** Least-squares `y = a exp(−λ x)` in levels; see the file comment for when it "decays". */
export function fitExponentialLevels(xs: ArrayLike<number>, ys: ArrayLike<number>): LevelsFit {
  const n = xs.length;
  let mean = 0;
  let minX = Infinity;
  let maxX = -Infinity;
  for (let k = 0; k < n; k++) {
    mean += ys[k]!;
    if (xs[k]! < minX) minX = xs[k]!;
    if (xs[k]! > maxX) maxX = xs[k]!;
  }
  mean = n > 0 ? mean / n : 0;
  let sst = 0;
  let sumSq = 0;
  for (let k = 0; k < n; k++) {
    sst += (ys[k]! - mean) ** 2;
    sumSq += ys[k]! * ys[k]!;
  }
  const none = (reason: string): LevelsFit => ({ decays: false, reason, a: mean, lambda: 0, halfLife: null, r2: 0, samples: n });
  if (n < 3) return none('fewer than 3 samples');
  const range = maxX - minX;
  if (!(range > 1e-12)) return none('exposure does not vary across the samples');
  if (!(sst > 1e-20 * sumSq) || !(sst > 1e-300)) return none('the Sharpe does not vary across the samples');

  // λ grid: half-lives from range/SPAN to range*SPAN
  const lo = Math.LN2 / (range * SPAN);
  const hi = (Math.LN2 * SPAN) / range;
  const step = Math.log(hi / lo) / (GRID - 1);
  let best = -1;
  let bestSse = Infinity;
  const grid = new Float64Array(GRID);
  for (let g = 0; g < GRID; g++) {
    grid[g] = lo * Math.exp(step * g);
    const sse = profileSse(xs, ys, grid[g]!, sumSq);
    if (sse < bestSse) {
      bestSse = sse;
      best = g;
    }
  }
  if (best === 0) return none('no decay: the best fit is flat (lambda at the slow end of the searched range)');
  if (best === GRID - 1) return none('no exponential decay resolvable: the best fit drops faster than the samples are spaced');
  // golden section on [grid[best-1], grid[best+1]] in log λ
  let a = Math.log(grid[best - 1]!);
  let b = Math.log(grid[best + 1]!);
  const phi = (Math.sqrt(5) - 1) / 2;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = profileSse(xs, ys, Math.exp(c), sumSq);
  let fd = profileSse(xs, ys, Math.exp(d), sumSq);
  for (let it = 0; it < REFINE; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = profileSse(xs, ys, Math.exp(c), sumSq);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = profileSse(xs, ys, Math.exp(d), sumSq);
    }
  }
  const lambda = Math.exp((a + b) / 2);
  const fit = sseAt(xs, ys, lambda);
  const r2 = 1 - fit.sse / sst;
  if (!(fit.a > 0)) return none('no positive alpha to decay (the fitted level a is <= 0)');
  if (!(fit.sse < sst)) return none('the exponential explains no more than a constant');
  return { decays: true, reason: null, a: fit.a, lambda, halfLife: Math.LN2 / lambda, r2, samples: n };
}

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
 * Moving-block bootstrap of the half-life: each resample concatenates blocks of `blockLength`
 * consecutive samples, each block drawn uniformly from all block starts inside one sequence, until
 * it has as many samples as the data. `sequences` are [start, end) ranges of `xs`/`ys` (time order).
 */
export function blockBootstrapHalfLife(
  xs: Float64Array,
  ys: Float64Array,
  sequences: readonly [number, number][],
  opts: { resamples: number; level: number; blockLength: number },
  rng: Rng,
): BootstrapInterval | null {
  const B = Math.floor(opts.resamples);
  const m = xs.length;
  if (B < 1 || m === 0) return null;
  const L = Math.max(1, Math.floor(opts.blockLength));
  // every valid block start (a block never crosses from one agent into the next)
  const starts: number[] = [];
  for (const [s, e] of sequences) {
    const len = Math.min(L, e - s);
    for (let k = s; k + len <= e; k++) starts.push(k);
  }
  if (starts.length === 0) return null;
  const bx = new Float64Array(m);
  const by = new Float64Array(m);
  const lives = new Float64Array(B);
  const seqEnd = new Int32Array(m);
  for (const [s, e] of sequences) for (let k = s; k < e; k++) seqEnd[k] = e;
  for (let b = 0; b < B; b++) {
    let filled = 0;
    while (filled < m) {
      const s = starts[Math.floor(rng.next() * starts.length)]!;
      const end = Math.min(s + L, seqEnd[s]!);
      for (let k = s; k < end && filled < m; k++) {
        bx[filled] = xs[k]!;
        by[filled] = ys[k]!;
        filled++;
      }
    }
    const f = fitExponentialLevels(bx, by);
    lives[b] = f.halfLife ?? Infinity;
  }
  lives.sort();
  const tail = (1 - opts.level) / 2;
  const at = (q: number): number => {
    const pos = q * (B - 1);
    const i = Math.floor(pos);
    const j = Math.min(i + 1, B - 1);
    const u = lives[i]!;
    const v = lives[j]!;
    return u === v ? u : !Number.isFinite(v) ? v : u + (v - u) * (pos - i);
  };
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return { level: opts.level, lower: finite(at(tail)), upper: finite(at(1 - tail)), resamples: B, blockLength: L };
}
