/**
 * Exact quantiles of the last `capacity` observations, updated in O(capacity) memmove per push
 * (binary search + one `copyWithin` of the values between the evicted and the new one) instead of
 * a sort per query. The regime detector keeps one per
 * metric so its self-calibrating thresholds cost a few hundred nanoseconds per tick.
 */
import { Float64Ring } from '../util/ring-buffer.js';
import { loadFields, saveFields, type EncodedState } from '../util/state-codec.js';

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
    const at = this.lowerBound(x);
    if (Number.isNaN(out)) {
      this.sorted.copyWithin(at + 1, at, this.n);
      this.sorted[at] = x;
      this.n++;
      return;
    }
    // Full: the evicted value leaves and x enters; only the values between the two positions
    // move, one place (the same array as removing, then inserting).
    const gone = this.lowerBound(out);
    if (at <= gone) {
      this.sorted.copyWithin(at + 1, at, gone);
      this.sorted[at] = x;
    } else {
      this.sorted.copyWithin(gone, gone + 1, at);
      this.sorted[at - 1] = x;
    }
  }

  /** Linear-interpolated quantile (numpy's default method) of the kept values; 0 when empty. */
  quantile(q: number): number {
    const n = this.n;
    if (n === 0) return 0;
    const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    return this.sorted[lo]! + (this.sorted[hi]! - this.sorted[lo]!) * (pos - lo);
  }

  /** Exact snapshot for checkpoints. */
  saveState(): EncodedState {
    return { ...saveFields(this, ['sorted', 'n']), order: this.order.saveState() };
  }

  loadState(state: unknown, where = 'RollingQuantile'): void {
    const s = state as { order?: unknown } | null;
    this.order.loadState(s?.order, `${where}.order`);
    loadFields(this, ['sorted', 'n'], state, where, { sameLength: ['sorted'] });
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
