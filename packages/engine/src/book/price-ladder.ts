/**
 * The active price levels of one side of the book, as a sorted typed array with the best level
 * last. Keys grow with how good a price is for that side (bids: +ticks, asks: -ticks), so both
 * sides share one code path and the touch is always at index n-1: taking the best level is a
 * pop, and a new level near the touch (the common case) moves only the few entries above it.
 * Memory is proportional to the levels in use, never to the price range they span.
 */
import { growI32 } from '../util/typed-grow.js';

export class PriceLadder {
  /** Level keys, ascending; [0, n) are live. */
  keys: Int32Array;
  /** Level pool slot of each key, parallel to `keys`. */
  levels: Int32Array;
  n = 0;

  constructor(initialCapacity = 64) {
    const cap = Math.max(4, initialCapacity);
    this.keys = new Int32Array(cap);
    this.levels = new Int32Array(cap);
  }

  /** Index of the first key >= key within [0, n). */
  lowerBound(key: number): number {
    const keys = this.keys;
    let lo = 0;
    let hi = this.n;
    // A key beyond the touch (a new best level) is common and needs no bisection.
    if (hi > 0 && keys[hi - 1]! < key) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts a key (not present) with its level slot at sorted position `at`. */
  insertAt(at: number, key: number, level: number): void {
    const n = this.n;
    if (n === this.keys.length) {
      this.keys = growI32(this.keys, n * 2);
      this.levels = growI32(this.levels, n * 2);
    }
    if (at < n) {
      this.keys.copyWithin(at + 1, at, n);
      this.levels.copyWithin(at + 1, at, n);
    }
    this.keys[at] = key;
    this.levels[at] = level;
    this.n = n + 1;
  }

  /** Removes a present key. */
  remove(key: number): void {
    const n = this.n - 1;
    if (this.keys[n] === key) {
      this.n = n;
      return;
    }
    const at = this.lowerBound(key);
    this.keys.copyWithin(at, at + 1, n + 1);
    this.levels.copyWithin(at, at + 1, n + 1);
    this.n = n;
  }
}
