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

/** RingBuffer specialised to numbers on a Float64Array (no boxing on the hot path). */
export class NumberRing {
  private readonly items: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`NumberRing capacity must be a positive integer, got ${capacity}`);
    this.items = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(v: number): void {
    if (this.count < this.capacity) {
      this.items[(this.head + this.count) % this.capacity] = v;
      this.count++;
    } else {
      this.items[this.head] = v;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  /** i-th oldest. */
  at(i: number): number {
    return this.items[(this.head + i) % this.capacity] as number;
  }

  last(): number {
    return this.items[(this.head + this.count - 1) % this.capacity] as number;
  }

  /** The newest `n` values, oldest first. */
  tail(n: number): number[] {
    const k = Math.min(n, this.count);
    const out = new Array<number>(k);
    for (let i = 0; i < k; i++) out[i] = this.items[(this.head + this.count - k + i) % this.capacity] as number;
    return out;
  }

  toArray(): number[] {
    return this.tail(this.count);
  }
}
