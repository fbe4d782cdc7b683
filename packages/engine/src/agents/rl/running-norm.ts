/**
 * Running mean and variance of observations, for normalising a policy's inputs: features on very
 * different scales (a spread in basis points next to an inventory fraction) otherwise make the
 * first layer learn the scales before it learns anything useful. Chan et al.'s parallel update,
 * started from mean 0, variance 1 with a tiny prior count (as Stable-Baselines does), so the first
 * observations are not divided by a zero variance.
 */

export interface RunningNormState {
  count: number;
  mean: number[];
  var: number[];
}

/** Prior count of the mean-0/variance-1 start: small enough to be forgotten after one sample. */
const PRIOR_COUNT = 1e-4;
const VAR_EPS = 1e-8;

export class RunningNorm {
  count = PRIOR_COUNT;
  readonly mean: Float64Array;
  readonly var: Float64Array;

  constructor(readonly size: number) {
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
  }

  /** Folds one observation into the statistics. */
  update(x: ArrayLike<number>): void {
    const n = this.count;
    const total = n + 1;
    for (let i = 0; i < this.size; i++) {
      const xi = x[i] as number;
      const m = this.mean[i] as number;
      const delta = xi - m;
      this.mean[i] = m + delta / total;
      const m2 = (this.var[i] as number) * n + (delta * delta * n) / total;
      this.var[i] = m2 / total;
    }
    this.count = total;
  }

  /** (x − mean)/sd clipped to ±clip, written to `out`. */
  normalize(x: ArrayLike<number>, out: Float64Array, clip: number): Float64Array {
    for (let i = 0; i < this.size; i++) {
      const z = ((x[i] as number) - (this.mean[i] as number)) / Math.sqrt((this.var[i] as number) + VAR_EPS);
      out[i] = z > clip ? clip : z < -clip ? -clip : z;
    }
    return out;
  }

  save(): RunningNormState {
    return { count: this.count, mean: [...this.mean], var: [...this.var] };
  }

  load(s: RunningNormState): void {
    if (s.mean.length !== this.size || s.var.length !== this.size) {
      throw new Error(`observation statistics have ${s.mean.length} features, expected ${this.size}`);
    }
    this.count = s.count;
    this.mean.set(s.mean);
    this.var.set(s.var);
  }
}
