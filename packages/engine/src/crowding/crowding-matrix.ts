/**
 * Pairwise behavioural similarity and crowding intensity (SPEC §4).
 *
 *   C_ij  = cosine(f_i, f_j), 0 when either vector is zero, diagonal 1, clipped to [-1, 1]
 *   Phi_i = (1/(N-1)) * sum_{j!=i} C_ij w_j                       (phiNormalization 'seed', default)
 *   Phi_i = sum_{j!=i} C_ij w_j / sum_{j!=i} w_j                  ('weighted_mean', the original code)
 *   intensity = sum_{i<j} w_i w_j C_ij / sum_{i<j} w_i w_j        (0 when no pair has weight)
 *   agent multiplier = clip(1 + kappa * Phi_i, min, max)
 *
 * Hot path: one pass over the upper triangle with precomputed inverse norms, writing both halves
 * of a reused Float64Array N×N and accumulating Phi, intensity and the top-K pairs in the same
 * loop; nothing is allocated per pair.
 */
import { FACTOR_COUNT } from './factor-space.js';
import { clip } from '../analytics/stats.js';

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

export class CrowdingMatrix {
  readonly opts: CrowdingMatrixOptions;
  /** Agents in the last `compute()`. */
  size = 0;
  /** Row-major size×size similarity matrix of the last `compute()` (stride = size). */
  matrix = new Float64Array(0);
  /** Phi per agent (length >= size). */
  phi = new Float64Array(0);
  /** clip(1 + kappa*Phi, min, max) per agent (length >= size). */
  multipliers = new Float64Array(0);
  /** Pair-weighted mean off-diagonal similarity. */
  intensity = 0;
  /** Most similar off-diagonal pairs, by similarity desc (ties: earlier pair first). */
  topPairs: IndexPair[] = [];
  private invNorm = new Float64Array(0);
  private topA = new Int32Array(0);
  private topB = new Int32Array(0);
  private topC = new Float64Array(0);

  constructor(opts: CrowdingMatrixOptions) {
    this.opts = opts;
  }

  /**
   * Recomputes everything from `factors` (row-major n×FACTOR_COUNT) and volume shares `weights`.
   */
  compute(factors: Float64Array, weights: Float64Array, n: number): void {
    const D = FACTOR_COUNT;
    if (factors.length < n * D || weights.length < n) {
      throw new RangeError(`CrowdingMatrix.compute: need ${n * D} factor values and ${n} weights`);
    }
    this.ensure(n);
    const m = this.matrix;
    const phi = this.phi;
    const inv = this.invNorm;
    for (let i = 0; i < n; i++) {
      const o = i * D;
      const s =
        factors[o]! * factors[o]! +
        factors[o + 1]! * factors[o + 1]! +
        factors[o + 2]! * factors[o + 2]! +
        factors[o + 3]! * factors[o + 3]! +
        factors[o + 4]! * factors[o + 4]! +
        factors[o + 5]! * factors[o + 5]!;
      inv[i] = s > 1e-24 ? 1 / Math.sqrt(s) : 0;
      phi[i] = 0;
    }
    const K = Math.max(0, Math.floor(this.opts.topPairs));
    let kept = 0;
    let floor = -Infinity; // similarity a pair must beat to enter a full top-K list
    const topA = this.topA;
    const topB = this.topB;
    const topC = this.topC;
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      const oi = i * D;
      const f0 = factors[oi]!;
      const f1 = factors[oi + 1]!;
      const f2 = factors[oi + 2]!;
      const f3 = factors[oi + 3]!;
      const f4 = factors[oi + 4]!;
      const f5 = factors[oi + 5]!;
      const ii = inv[i]!;
      const wi = weights[i]!;
      let phiI = 0;
      const row = i * n;
      m[row + i] = 1;
      for (let j = i + 1; j < n; j++) {
        const oj = j * D;
        let c =
          (f0 * factors[oj]! +
            f1 * factors[oj + 1]! +
            f2 * factors[oj + 2]! +
            f3 * factors[oj + 3]! +
            f4 * factors[oj + 4]! +
            f5 * factors[oj + 5]!) *
          ii *
          inv[j]!;
        if (c > 1) c = 1;
        else if (c < -1) c = -1;
        m[row + j] = c;
        m[j * n + i] = c;
        const wj = weights[j]!;
        phiI += c * wj;
        phi[j]! += c * wi;
        const ww = wi * wj;
        num += ww * c;
        den += ww;
        if (K > 0 && (kept < K || c > floor)) {
          // insertion into the small sorted list (desc); strict > keeps earlier pairs on ties
          let at = kept < K ? kept : K - 1;
          while (at > 0 && topC[at - 1]! < c) {
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
      phi[i]! += phiI;
    }
    if (this.opts.phiNormalization === 'weighted_mean') {
      let wSum = 0;
      for (let i = 0; i < n; i++) wSum += weights[i]!;
      for (let i = 0; i < n; i++) {
        const others = wSum - weights[i]!;
        phi[i] = others > 1e-12 ? phi[i]! / others : 0;
      }
    } else {
      const scale = n > 1 ? 1 / (n - 1) : 0;
      for (let i = 0; i < n; i++) phi[i]! *= scale;
    }
    const { kappa, agentMultiplierMin: lo, agentMultiplierMax: hi } = this.opts;
    for (let i = 0; i < n; i++) this.multipliers[i] = clip(1 + kappa * phi[i]!, lo, hi);
    this.intensity = den > 1e-300 ? clip(num / den, -1, 1) : 0;
    this.topPairs = [];
    for (let k = 0; k < kept; k++) this.topPairs.push({ a: topA[k]!, b: topB[k]!, similarity: topC[k]! });
  }

  /** C_ij of the last compute. */
  similarity(i: number, j: number): number {
    return this.matrix[i * this.size + j]!;
  }

  /** The matrix as nested arrays (allocates size² numbers; for snapshots and events). */
  toNested(): number[][] {
    const n = this.size;
    const out: number[][] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = Array.from(this.matrix.subarray(i * n, (i + 1) * n));
    return out;
  }

  private ensure(n: number): void {
    if (this.matrix.length < n * n) this.matrix = new Float64Array(n * n);
    if (this.phi.length < n) {
      const cap = Math.max(n, this.phi.length * 2, 8);
      const grow = (a: Float64Array) => {
        const b = new Float64Array(cap);
        b.set(a);
        return b;
      };
      this.phi = grow(this.phi);
      this.multipliers = grow(this.multipliers);
      this.invNorm = new Float64Array(cap);
    }
    const K = Math.max(0, Math.floor(this.opts.topPairs));
    if (this.topA.length < K) {
      this.topA = new Int32Array(K);
      this.topB = new Int32Array(K);
      this.topC = new Float64Array(K);
    }
    this.size = n;
  }
}
