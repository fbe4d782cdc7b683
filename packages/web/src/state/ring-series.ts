/**
 * Fixed-capacity columnar ring buffer for chart series: pushing never allocates, memory is bounded
 * no matter how long the page stays open, and `columns()` returns oldest-first copies sized to the
 * current length (what uPlot wants).
 */
export class RingSeries {
  readonly capacity: number;
  readonly width: number;
  private readonly data: Float64Array[];
  private head = 0; // next write slot
  private count = 0;

  constructor(width: number, capacity: number) {
    if (!Number.isInteger(width) || width < 1) throw new RangeError(`RingSeries width must be a positive integer, got ${width}`);
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`RingSeries capacity must be a positive integer, got ${capacity}`);
    this.width = width;
    this.capacity = capacity;
    this.data = Array.from({ length: width }, () => new Float64Array(capacity));
  }

  get length(): number {
    return this.count;
  }

  /** Append one row (values beyond `width` are ignored, missing ones become NaN). */
  push(...row: number[]): void {
    for (let c = 0; c < this.width; c++) (this.data[c] as Float64Array)[this.head] = row[c] ?? NaN;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Value of column `c` at logical index `i` (0 = oldest). */
  get(c: number, i: number): number {
    if (i < 0 || i >= this.count) return NaN;
    const start = (this.head - this.count + this.capacity) % this.capacity;
    return (this.data[c] as Float64Array)[(start + i) % this.capacity] as number;
  }

  /** Latest value of column `c`, NaN when empty. */
  last(c: number): number {
    return this.get(c, this.count - 1);
  }

  /** Oldest-first copies of every column. */
  columns(): Float64Array[] {
    const start = (this.head - this.count + this.capacity) % this.capacity;
    return this.data.map((col) => {
      const out = new Float64Array(this.count);
      const firstLen = Math.min(this.count, this.capacity - start);
      out.set(col.subarray(start, start + firstLen), 0);
      if (firstLen < this.count) out.set(col.subarray(0, this.count - firstLen), firstLen);
      return out;
    });
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}

/** Bounded FIFO of objects (trade tape, order log): keeps the newest `capacity`. */
export class RingList<T> {
  readonly capacity: number;
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Newest first, at most `limit`. */
  newest(limit = this.count): T[] {
    const n = Math.min(limit, this.count);
    const out: T[] = [];
    for (let i = 1; i <= n; i++) out.push(this.items[(this.head - i + this.capacity) % this.capacity] as T);
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
