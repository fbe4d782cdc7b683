/**
 * Pairwise behavioural similarity and crowding intensity (docs/MODEL.md §4).
 *
 *   C_ij  = cosine(f_i, f_j), 0 when either vector is zero, diagonal 1, clipped to [-1, 1]
 *   Phi_i = sum_{j!=i} C_ij w_j / sum_{j!=i} w_j                  ('weighted_mean', default; the original code)
 *   Phi_i = (1/(N-1)) * sum_{j!=i} C_ij w_j                       (phiNormalization 'seed')
 *
 * Why the weighted mean is the default: the volume shares w already sum to 1, so the seed form
 * divides twice and Phi falls like 1/N as the population grows (duplicate every agent and it
 * halves, although nothing about the behaviour changed). The weighted mean stays in [-1, 1] and is
 * unchanged by such a duplication. The seed form is kept for reproducing the seed document.
 *   intensity = sum_{i<j} w_i w_j C_ij / sum_{i<j} w_i w_j        (0 when no pair has weight)
 *   agent multiplier = clip(1 + kappa * Phi_i, min, max)
 *
 * Cost: with unit vectors u_i (zero vectors stay zero) C_ij = u_i·u_j, so with S = sum_j w_j u_j
 *
 *   sum_{j!=i} C_ij w_j      = u_i·S - w_i |u_i|^2
 *   sum_{i<j} w_i w_j C_ij   = (|S|^2 - sum_i w_i^2 |u_i|^2) / 2
 *
 * and Phi, intensity and the multipliers — everything execution needs each tick — are exact in
 * O(N·6). (Cosines of unit vectors only leave [-1, 1] by rounding, so the clip changes nothing
 * beyond 1e-16.) Only the N×N matrix itself and the top crowded pairs need all pairs; they come
 * from `similarityPass`, a blocked upper-triangle loop over the unit vectors that writes both
 * halves of a reused Float64Array inside cache-sized tiles and allocates nothing per pair. It runs
 * lazily, when the matrix or the pairs are read.
 */
import { FACTOR_COUNT } from './factor-space.js';
import { clip } from '../analytics/stats.js';
import { loadFields, saveFields, type EncodedState } from '../util/state-codec.js';

const CROWDING_FIELDS = ['size', 'phi', 'multipliers', 'intensity', 'unit'] as const;

/** Tile edge of the blocked upper-triangle pass. */
const TILE = 64;

export type PhiNormalization = 'seed' | 'weighted_mean';

export interface CrowdingMatrixOptions {
  phiNormalization: PhiNormalization;
  kappa: number;
  agentMultiplierMin: number;
  agentMultiplierMax: number;
  /** How many most-similar pairs to keep (config.crowding.topPairs). */
  topPairs: number;
}

export interface IndexPair {
  a: number;
  b: number;
  similarity: number;
}

/** Whether pair (c, a, b) ranks before (c2, a2, b2): higher similarity, then lower indices. */
function precedes(c: number, a: number, b: number, c2: number, a2: number, b2: number): boolean {
  return c > c2 || (c === c2 && (a < a2 || (a === a2 && b < b2)));
}

/** Reused top-K working lists of `similarityPass` (consumed before it returns). */
let topScratch = { a: new Int32Array(8), b: new Int32Array(8), c: new Float64Array(8) };

/**
 * All pairs of `n` row-major unit vectors (length FACTOR_COUNT each): the `topK` most similar
 * off-diagonal pairs (similarity desc, then indices asc) and, when `out` is given (length >= n²),
 * the full clipped similarity matrix with unit diagonal.
 */
export function similarityPass(unit: Float64Array, n: number, topK: number, out: Float64Array | null): IndexPair[] {
  const D = FACTOR_COUNT;
  const K = Math.max(0, Math.floor(topK));
  if (topScratch.c.length < K) topScratch = { a: new Int32Array(K), b: new Int32Array(K), c: new Float64Array(K) };
  const { a: topA, b: topB, c: topC } = topScratch;
  let kept = 0;
  // a pair must reach this similarity to be considered for the top-K list
  let floor = K === 0 ? Infinity : -Infinity;
  const m = out ?? new Float64Array(0);
  const store = out !== null;
  for (let I = 0; I < n; I += TILE) {
    const iEnd = Math.min(I + TILE, n);
    for (let J = I; J < n; J += TILE) {
      const jEnd = Math.min(J + TILE, n);
      for (let i = I; i < iEnd; i++) {
        const oi = i * D;
        const u0 = unit[oi]!;
        const u1 = unit[oi + 1]!;
        const u2 = unit[oi + 2]!;
        const u3 = unit[oi + 3]!;
        const u4 = unit[oi + 4]!;
        const u5 = unit[oi + 5]!;
        const row = i * n;
        let j = J;
        if (J === I) {
          if (store) m[row + i] = 1;
          j = i + 1;
        }
        for (; j < jEnd; j++) {
          const oj = j * D;
          let c = u0 * unit[oj]! + u1 * unit[oj + 1]! + u2 * unit[oj + 2]! + u3 * unit[oj + 3]! + u4 * unit[oj + 4]! + u5 * unit[oj + 5]!;
          if (c > 1) c = 1;
          else if (c < -1) c = -1;
          if (store) {
            m[row + j] = c;
            m[j * n + i] = c;
          }
          if (c >= floor) {
            let at = kept < K ? kept : K - 1;
            if (kept === K && !precedes(c, i, j, topC[at]!, topA[at]!, topB[at]!)) continue;
            while (at > 0 && precedes(c, i, j, topC[at - 1]!, topA[at - 1]!, topB[at - 1]!)) {
              topA[at] = topA[at - 1]!;
              topB[at] = topB[at - 1]!;
              topC[at] = topC[at - 1]!;
              at--;
            }
            topA[at] = i;
            topB[at] = j;
            topC[at] = c;
            if (kept < K) kept++;
            if (kept === K) floor = topC[K - 1]!;
          }
        }
      }
    }
  }
  const pairs: IndexPair[] = [];
  for (let k = 0; k < kept; k++) pairs.push({ a: topA[k]!, b: topB[k]!, similarity: topC[k]! });
  return pairs;
}

/** Row-major n×n values as nested arrays (plain loops: much faster than Array.from on subarrays). */
export function nestedRows(flat: Float64Array, n: number): number[][] {
  const out: number[][] = new Array<number[]>(n);
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n);
    const o = i * n;
    for (let j = 0; j < n; j++) row[j] = flat[o + j]!;
    out[i] = row;
  }
  return out;
}

export class CrowdingMatrix {
  readonly opts: CrowdingMatrixOptions;
  /** Agents in the last `compute()`. */
  size = 0;
  /** Phi per agent (length >= size). */
  phi = new Float64Array(0);
  /** clip(1 + kappa*Phi, min, max) per agent (length >= size). */
  multipliers = new Float64Array(0);
  /** Pair-weighted mean off-diagonal similarity. */
  intensity = 0;
  /** Row-major unit factor vectors of the last `compute()` (zero vectors stay zero). */
  unit = new Float64Array(0);
  private matrixBuf = new Float64Array(0);
  private readonly sumVec = new Float64Array(FACTOR_COUNT);
  private matrixFresh = false;
  private pairs: IndexPair[] | null = null;

  constructor(opts: CrowdingMatrixOptions) {
    this.opts = opts;
  }

  /**
   * Recomputes Phi, intensity and multipliers from `factors` (row-major n×FACTOR_COUNT) and volume
   * shares `weights`, in O(n). The matrix and top pairs follow lazily.
   */
  compute(factors: Float64Array, weights: Float64Array, n: number): void {
    const D = FACTOR_COUNT;
    if (factors.length < n * D || weights.length < n) {
      throw new RangeError(`CrowdingMatrix.compute: need ${n * D} factor values and ${n} weights`);
    }
    this.ensure(n);
    const u = this.unit;
    const phi = this.phi;
    const S = this.sumVec.fill(0);
    let wSum = 0;
    let wSq = 0;
    let selfTerms = 0; // sum_i w_i^2 |u_i|^2
    for (let i = 0; i < n; i++) {
      const o = i * D;
      let s = 0;
      for (let k = 0; k < D; k++) s += factors[o + k]! * factors[o + k]!;
      const inv = s > 1e-24 ? 1 / Math.sqrt(s) : 0;
      const w = weights[i]!;
      let self = 0;
      for (let k = 0; k < D; k++) {
        const x = factors[o + k]! * inv;
        u[o + k] = x;
        S[k]! += w * x;
        self += x * x;
      }
      wSum += w;
      wSq += w * w;
      selfTerms += w * w * self;
    }
    let s2 = 0;
    for (let k = 0; k < D; k++) s2 += S[k]! * S[k]!;
    const weighted = this.opts.phiNormalization === 'weighted_mean';
    const scale = n > 1 ? 1 / (n - 1) : 0;
    const { kappa, agentMultiplierMin: lo, agentMultiplierMax: hi } = this.opts;
    for (let i = 0; i < n; i++) {
      const o = i * D;
      let dot = 0;
      let self = 0;
      for (let k = 0; k < D; k++) {
        dot += u[o + k]! * S[k]!;
        self += u[o + k]! * u[o + k]!;
      }
      const w = weights[i]!;
      const others = dot - w * self; // drop j = i: exactly the term u_i·S contains
      if (weighted) {
        const wOthers = wSum - w;
        phi[i] = wOthers > 1e-12 ? others / wOthers : 0;
      } else phi[i] = others * scale;
      this.multipliers[i] = clip(1 + kappa * phi[i]!, lo, hi);
    }
    const den = (wSum * wSum - wSq) / 2;
    this.intensity = den > 1e-300 ? clip((s2 - selfTerms) / 2 / den, -1, 1) : 0;
    this.matrixFresh = false;
    this.pairs = null;
  }

  /** Row-major size×size similarity matrix of the last compute (built on first read). */
  get matrix(): Float64Array {
    if (!this.matrixFresh) {
      const n = this.size;
      if (this.matrixBuf.length < n * n) this.matrixBuf = new Float64Array(n * n);
      this.pairs = similarityPass(this.unit, n, this.opts.topPairs, this.matrixBuf);
      this.matrixFresh = true;
    }
    return this.matrixBuf;
  }

  /** Most similar off-diagonal pairs, similarity desc, ties by lower indices (computed on first read). */
  get topPairs(): IndexPair[] {
    if (!this.pairs) this.pairs = similarityPass(this.unit, this.size, this.opts.topPairs, null);
    return this.pairs;
  }

  /** C_ij of the last compute, in O(6). */
  similarity(i: number, j: number): number {
    if (i === j) return 1;
    const D = FACTOR_COUNT;
    let c = 0;
    for (let k = 0; k < D; k++) c += this.unit[i * D + k]! * this.unit[j * D + k]!;
    return clip(c, -1, 1);
  }

  /** Exact snapshot of the last compute (for checkpoints); the matrix and pairs are rebuilt on read. */
  saveState(): EncodedState {
    return saveFields(this, CROWDING_FIELDS);
  }

  loadState(state: unknown, where = 'CrowdingMatrix'): void {
    loadFields(this, CROWDING_FIELDS, state, where);
    this.matrixFresh = false;
    this.pairs = null;
  }

  /** The matrix as nested arrays (allocates size² numbers; for snapshots and events). */
  toNested(): number[][] {
    return nestedRows(this.matrix, this.size);
  }

  private ensure(n: number): void {
    if (this.phi.length < n) {
      const cap = Math.max(n, this.phi.length * 2, 8);
      const grow = (a: Float64Array) => {
        const b = new Float64Array(cap);
        b.set(a);
        return b;
      };
      this.phi = grow(this.phi);
      this.multipliers = grow(this.multipliers);
      this.unit = new Float64Array(cap * FACTOR_COUNT);
    }
    this.size = n;
  }
}
