import { loadFields, saveFields, type EncodedState } from './state-codec.js';

/**
 * Fixed-capacity FIFO that overwrites its oldest entry: every history the engine keeps is bounded
 * by one of these, so a million-tick run holds the same memory as a thousand-tick one.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends; returns the evicted oldest item when full, else undefined. */
  push(item: T): T | undefined {
    const idx = (this.head + this.count) % this.capacity;
    if (this.count < this.capacity) {
      this.items[idx] = item;
      this.count++;
      return undefined;
    }
    const evicted = this.items[this.head];
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    return evicted;
  }

  /** i-th oldest (0 = oldest). */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.head + i) % this.capacity];
  }

  last(): T | undefined {
    return this.count === 0 ? undefined : this.items[(this.head + this.count - 1) % this.capacity];
  }

  /** The newest `n` items, oldest first. */
  tail(n: number): T[] {
    const k = Math.min(n, this.count);
    const out = new Array<T>(k);
    for (let i = 0; i < k; i++) out[i] = this.items[(this.head + this.count - k + i) % this.capacity] as T;
    return out;
  }

  toArray(): T[] {
    return this.tail(this.count);
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.items.fill(undefined);
  }
}

/**
 * Fixed-capacity ring of numbers on a Float64Array: bounded history without per-push allocation.
 * Index 0 is the oldest kept value.
 */
export class Float64Ring {
  private readonly buf: Float64Array;
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Float64Ring capacity must be a positive integer, got ${capacity}`);
    }
    this.buf = new Float64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  get full(): boolean {
    return this.size === this.capacity;
  }

  /** Appends `x`; returns the value that fell out (or NaN when nothing did). */
  push(x: number): number {
    if (this.size < this.capacity) {
      this.buf[(this.start + this.size) % this.capacity] = x;
      this.size++;
      return NaN;
    }
    const old = this.buf[this.start]!;
    this.buf[this.start] = x;
    this.start = (this.start + 1) % this.capacity;
    return old;
  }

  /** i-th value, oldest first (0 <= i < length). */
  get(i: number): number {
    return this.buf[(this.start + i) % this.capacity]!;
  }

  /** Most recent value, or `fallback` when empty. */
  last(fallback = 0): number {
    return this.size === 0 ? fallback : this.get(this.size - 1);
  }

  /** Copy of the last `n` values (all by default), oldest first. */
  toArray(n = this.size): Float64Array {
    const k = Math.min(n, this.size);
    const out = new Float64Array(k);
    for (let i = 0; i < k; i++) out[i] = this.get(this.size - k + i);
    return out;
  }

  /** The last `n` values as a plain array (JSON-friendly), oldest first. */
  tail(n: number): number[] {
    const k = Math.min(n, this.size);
    const out = new Array<number>(k);
    for (let i = 0; i < k; i++) out[i] = this.get(this.size - k + i);
    return out;
  }

  clear(): void {
    this.start = 0;
    this.size = 0;
  }

  /** Exact snapshot for checkpoints. */
  saveState(): EncodedState {
    return saveFields(this, ['buf', 'start', 'size']);
  }

  /** Restores a `saveState` snapshot taken from a ring of the same capacity. */
  loadState(state: unknown, where = 'Float64Ring'): void {
    loadFields(this, ['buf', 'start', 'size'], state, where, { sameLength: ['buf'] });
  }
}
