/**
 * The windowed risk figures of `Diagnostics` (central moments of the PnL changes, lag-1
 * autocorrelation of |changes|, downside sum of squares, drawdown of the PnL levels) in O(1) per
 * push and per query, without ever subtracting an evicted value (which would cancel
 * catastrophically after a large change leaves the window).
 *
 * Each agent's window lives in a ring of width W that `Diagnostics` fills slot 0, 1, ..., W-1 and
 * then wraps. The window is therefore always the tail of the previous pass over the ring (slots
 * pos..W-1) followed by the head of the current pass (slots 0..pos-1). At each wrap the previous
 * pass's suffix aggregates (slots k..W-1 for every k) are built in one O(W) sweep; the current
 * pass's head is one running aggregate. A query combines the suffix at `pos` with the head: two
 * aggregates, one merge. (The two-stack queue, laid out on the ring.)
 *
 * An aggregate of a run of changes d with PnL levels l is a fixed record (the `F_*` offsets):
 * count, mean and central moments M2..M4 of d (merged with Pébay's formulas), mean, M2 and lag-1
 * co-moment of |d| with its first and last |d| (merged by re-centring on the common mean),
 * Σ d² over d < 0, the counts of d > 0 and d ≠ 0, and the max, min and largest fall of l. The
 * moment merges are numerically stable: the figures equal the two-pass ones to rounding
 * (test/analytics/window-stats.test.ts pins them within 1e-9); the counts and the drawdown, a max
 * of differences, equal the sequential scan bit for bit. Memory: W records of 16 doubles per agent
 * (32 KB at the default window of 250).
 */

/** Offsets in one aggregate record. */
const F_N = 0;
const F_MEAN = 1;
const F_M2 = 2;
const F_M3 = 3;
const F_M4 = 4;
const F_A_MEAN = 5;
const F_A_M2 = 6;
/** Σ over adjacent pairs of (|d_k-1| - mean)(|d_k| - mean), about the record's own |d| mean. */
const F_A_LAG = 7;
const F_A_FIRST = 8;
const F_A_LAST = 9;
const F_DOWN_SQ = 10;
const F_HI = 11;
const F_LO = 12;
/** Largest l_i - l_j over i < j in the run (-Infinity for one level). */
const F_FALL = 13;
/** Counts of d > 0 and d !== 0 (integers, exact in a double). */
const F_UP = 14;
const F_NONZERO = 15;
/** Record width (16 doubles, two cache lines). */
const R = 16;

/** The figures of one window, as `WindowStats.query` leaves them. */
export interface WindowFigures {
  /** Number of changes in the window. */
  count: number;
  /** Σ (d - mean)² and Σ (d - mean)⁴ over the window's changes. */
  m2: number;
  m4: number;
  /** Σ (|d| - mean|d|)², and Σ over adjacent pairs of the centred |d| products. */
  absM2: number;
  absLag1: number;
  /** Σ d² over the negative changes. */
  downSq: number;
  /** Changes > 0, and changes !== 0. */
  up: number;
  nonzero: number;
  /** Largest fall of the PnL level from a running peak, the level before the window included (≥ 0). */
  maxDrawdown: number;
}

export class WindowStats {
  private readonly W: number;
  /** Agent i's suffix records at [(i*W + k) * R, ...): the previous pass's slots k..W-1. */
  private suffix = new Float64Array(0);
  /** Agent i's running record of the current pass's slots 0..pos-1 at [i * R, ...). */
  private head = new Float64Array(0);
  private readonly one = new Float64Array(R);
  private readonly both = new Float64Array(R);
  private readonly figures: WindowFigures = { count: 0, m2: 0, m4: 0, absM2: 0, absLag1: 0, downSq: 0, up: 0, nonzero: 0, maxDrawdown: 0 };

  constructor(window: number) {
    this.W = window;
  }

  /** Room for `cap` agents (the records of agents below `cap` kept). */
  grow(cap: number): void {
    this.suffix = resized(this.suffix, cap * this.W * R);
    this.head = resized(this.head, cap * R);
  }

  /** Appends the change `d` (PnL level after it `level`) to agent i's current pass. */
  push(i: number, d: number, level: number): void {
    single(this.one, 0, d, level);
    merge(this.head, i * R, this.one, 0, this.head, i * R);
  }

  /**
   * Agent i's ring has just been filled to slot W-1: its W changes and levels (slots at
   * [i*W, (i+1)*W) of `changes` / `levels`) become the previous pass; the current pass starts empty.
   */
  wrap(i: number, changes: Float64Array, levels: Float64Array): void {
    this.buildSuffix(i, changes, levels, 0);
    this.head.fill(0, i * R, (i + 1) * R);
  }

  /**
   * Rebuilds agent i's records from its ring alone (after a checkpoint load): `count` changes kept,
   * next write at slot `pos`. Same arithmetic in the same order as the pushes and wraps that led
   * there, so a restored run continues with the same bits.
   */
  rebuild(i: number, changes: Float64Array, levels: Float64Array, count: number, pos: number): void {
    const W = this.W;
    if (count === W) this.buildSuffix(i, changes, levels, pos);
    this.head.fill(0, i * R, (i + 1) * R);
    const head = count === W ? pos : count;
    for (let k = 0; k < head; k++) this.push(i, changes[i * W + k]!, levels[i * W + k]!);
  }

  /**
   * The figures of agent i's window: `count` changes, next write at slot `pos`, `firstLevel` the
   * PnL level before the oldest kept change. The returned object is reused by the next call.
   */
  query(i: number, count: number, pos: number, firstLevel: number): WindowFigures {
    const W = this.W;
    let rec: Float64Array;
    let at: number;
    if (count < W) {
      rec = this.head;
      at = i * R;
    } else if (pos === 0) {
      rec = this.suffix;
      at = i * W * R;
    } else {
      merge(this.suffix, (i * W + pos) * R, this.head, i * R, this.both, 0);
      rec = this.both;
      at = 0;
    }
    const f = this.figures;
    f.count = count;
    if (count === 0) {
      f.m2 = f.m4 = f.absM2 = f.absLag1 = f.downSq = f.up = f.nonzero = f.maxDrawdown = 0;
      return f;
    }
    f.m2 = rec[at + F_M2]!;
    f.m4 = rec[at + F_M4]!;
    f.absM2 = rec[at + F_A_M2]!;
    f.absLag1 = rec[at + F_A_LAG]!;
    f.downSq = rec[at + F_DOWN_SQ]!;
    f.up = rec[at + F_UP]!;
    f.nonzero = rec[at + F_NONZERO]!;
    // The level before the window is a peak candidate, never a trough.
    f.maxDrawdown = Math.max(0, rec[at + F_FALL]!, firstLevel - rec[at + F_LO]!);
    return f;
  }

  /** Suffix records of agent i for slots W-1 down to `from`, each the slot merged before the next. */
  private buildSuffix(i: number, changes: Float64Array, levels: Float64Array, from: number): void {
    const W = this.W;
    const base = i * W;
    const last = (base + W - 1) * R;
    single(this.suffix, last, changes[base + W - 1]!, levels[base + W - 1]!);
    for (let k = W - 2; k >= from; k--) {
      single(this.one, 0, changes[base + k]!, levels[base + k]!);
      merge(this.one, 0, this.suffix, (base + k + 1) * R, this.suffix, (base + k) * R);
    }
  }
}

/** The record of one change d with level l after it. */
function single(r: Float64Array, o: number, d: number, l: number): void {
  const a = Math.abs(d);
  r[o + F_N] = 1;
  r[o + F_MEAN] = d;
  r[o + F_M2] = 0;
  r[o + F_M3] = 0;
  r[o + F_M4] = 0;
  r[o + F_A_MEAN] = a;
  r[o + F_A_M2] = 0;
  r[o + F_A_LAG] = 0;
  r[o + F_A_FIRST] = a;
  r[o + F_A_LAST] = a;
  r[o + F_DOWN_SQ] = d < 0 ? d * d : 0;
  r[o + F_HI] = l;
  r[o + F_LO] = l;
  r[o + F_FALL] = -Infinity;
  r[o + F_UP] = d > 0 ? 1 : 0;
  r[o + F_NONZERO] = d !== 0 ? 1 : 0;
}

/**
 * out = the record of run X followed by run Y (out may be X or Y). Moments: Pébay (2008), the
 * pairwise update of central moments; the |d| lag-1 co-moment is moved to the common mean with the
 * identity Σ_pairs (x_k-1 - μ)(x_k - μ) = L - δ((last - μ) + (first - μ)) + (n-1)δ², δ the
 * mean shift, then the one pair across the seam is added.
 */
function merge(x: Float64Array, xo: number, y: Float64Array, yo: number, out: Float64Array, oo: number): void {
  const nX = x[xo + F_N]!;
  const nY = y[yo + F_N]!;
  if (nY === 0) {
    if (out !== x || oo !== xo) copy(x, xo, out, oo);
    return;
  }
  if (nX === 0) {
    copy(y, yo, out, oo);
    return;
  }
  const n = nX + nY;
  // Moments of d.
  const mX = x[xo + F_MEAN]!;
  const mY = y[yo + F_MEAN]!;
  const m2X = x[xo + F_M2]!;
  const m2Y = y[yo + F_M2]!;
  const m3X = x[xo + F_M3]!;
  const m3Y = y[yo + F_M3]!;
  const delta = mY - mX;
  const dn = delta / n;
  const dn2 = dn * dn;
  const cross = delta * dn * nX * nY; // δ² nX nY / n
  const m2 = m2X + m2Y + cross;
  const m3 = m3X + m3Y + cross * dn * (nX - nY) + 3 * dn * (nX * m2Y - nY * m2X);
  const m4 =
    x[xo + F_M4]! + y[yo + F_M4]! + cross * dn2 * (nX * nX - nX * nY + nY * nY) + 6 * dn2 * (nX * nX * m2Y + nY * nY * m2X) + 4 * dn * (nX * m3Y - nY * m3X);
  const mean = mX + dn * nY;
  // |d|: variance and lag-1 co-moment about the merged mean.
  const aX = x[xo + F_A_MEAN]!;
  const aY = y[yo + F_A_MEAN]!;
  const aDelta = aY - aX;
  const aMean = aX + (aDelta * nY) / n;
  const aM2 = x[xo + F_A_M2]! + y[yo + F_A_M2]! + (aDelta * aDelta * nX * nY) / n;
  const firstX = x[xo + F_A_FIRST]!;
  const lastX = x[xo + F_A_LAST]!;
  const firstY = y[yo + F_A_FIRST]!;
  const lastY = y[yo + F_A_LAST]!;
  const sX = aX - aMean;
  const sY = aY - aMean;
  const lagX = x[xo + F_A_LAG]! - sX * (lastX - aX + (firstX - aX)) + (nX - 1) * sX * sX;
  const lagY = y[yo + F_A_LAG]! - sY * (lastY - aY + (firstY - aY)) + (nY - 1) * sY * sY;
  const lag = lagX + lagY + (lastX - aMean) * (firstY - aMean);
  // Levels: the largest fall is within X, within Y, or from X's peak to Y's trough.
  const hiX = x[xo + F_HI]!;
  const loY = y[yo + F_LO]!;
  const fall = Math.max(x[xo + F_FALL]!, y[yo + F_FALL]!, hiX - loY);
  const hi = Math.max(hiX, y[yo + F_HI]!);
  const lo = Math.min(x[xo + F_LO]!, loY);
  const downSq = x[xo + F_DOWN_SQ]! + y[yo + F_DOWN_SQ]!;
  out[oo + F_N] = n;
  out[oo + F_MEAN] = mean;
  out[oo + F_M2] = m2;
  out[oo + F_M3] = m3;
  out[oo + F_M4] = m4;
  out[oo + F_A_MEAN] = aMean;
  out[oo + F_A_M2] = aM2;
  out[oo + F_A_LAG] = lag;
  out[oo + F_A_FIRST] = firstX;
  out[oo + F_A_LAST] = lastY;
  out[oo + F_DOWN_SQ] = downSq;
  out[oo + F_HI] = hi;
  out[oo + F_LO] = lo;
  out[oo + F_FALL] = fall;
  out[oo + F_UP] = x[xo + F_UP]! + y[yo + F_UP]!;
  out[oo + F_NONZERO] = x[xo + F_NONZERO]! + y[yo + F_NONZERO]!;
}

function resized(a: Float64Array, length: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(length);
  b.set(a.length <= length ? a : a.subarray(0, length));
  return b;
}

function copy(from: Float64Array, fo: number, to: Float64Array, tio: number): void {
  for (let k = 0; k < R; k++) to[tio + k] = from[fo + k]!;
}
