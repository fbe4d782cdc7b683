/**
 * Exact quantiles of the last `capacity` observations, updated in O(capacity) memmove per push
 * (binary search + `copyWithin`) instead of a sort per query. The regime detector keeps one per
 * metric so its self-calibrating thresholds cost a few hundred nanoseconds per tick.
 */
import { Float64Ring } from './ring-buffer.js';
import { quantileSorted } from './stats.js';

export class RollingQuantile {
  private readonly order: Float64Ring;
  private readonly sorted: Float64Array;
  private n = 0;

  constructor(readonly capacity: number) {
    this.order = new Float64Ring(capacity);
    this.sorted = new Float64Array(capacity);
  }

  get length(): number {
    return this.n;
  }

  push(x: number): void {
    if (!Number.isFinite(x)) x = 0;
    const out = this.order.push(x);
    if (!Number.isNaN(out)) {
      const at = this.lowerBound(out);
      this.sorted.copyWithin(at, at + 1, this.n);
      this.n--;
    }
    const at = this.lowerBound(x);
    this.sorted.copyWithin(at + 1, at, this.n);
    this.sorted[at] = x;
    this.n++;
  }

  /** Linear-interpolated quantile (numpy default) of the kept values; 0 when empty. */
  quantile(q: number): number {
    return quantileSorted(this.sorted.subarray(0, this.n), q);
  }

  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
