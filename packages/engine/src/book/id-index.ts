/**
 * Order id → pool slot, as an open-addressing hash table in typed arrays (linear probing,
 * backward-shift deletion, so no tombstones and no per-entry allocation). Ids are integers up to
 * 2^53; the table keeps its load at or below one half.
 */

const EMPTY = -1;

export class IdIndex {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  private shift: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
  }

  get size(): number {
    return this.count;
  }

  /** Home bucket: Fibonacci hashing of the id's low and high 32 bits. */
  private home(id: number): number {
    const high = id > 0x7fffffff ? (id / 4294967296) | 0 : 0;
    return Math.imul((id | 0) ^ high, 0x9e3779b1) >>> this.shift;
  }

  /** Slot of an id, or -1 when absent. */
  get(id: number): number {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = this.home(id);
    for (;;) {
      const v = vals[i]!;
      if (v === EMPTY) return EMPTY;
      if (keys[i] === id) return v;
      i = (i + 1) & mask;
    }
  }

  /** Adds an id that is not present (the caller checked with `get`). */
  insert(id: number, slot: number): void {
    if ((this.count + 1) * 2 > this.vals.length) this.rehash(this.vals.length * 2);
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = this.home(id);
    while (vals[i] !== EMPTY) i = (i + 1) & mask;
    keys[i] = id;
    vals[i] = slot;
    this.count++;
  }

  /** Removes an id; returns its slot or -1 when it was absent. */
  delete(id: number): number {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = this.home(id);
    for (;;) {
      const v = vals[i]!;
      if (v === EMPTY) return EMPTY;
      if (keys[i] === id) break;
      i = (i + 1) & mask;
    }
    const removed = vals[i]!;
    // Backward shift: pull later members of the probe run into the hole when their home bucket
    // does not lie cyclically in (hole, j], so every remaining key stays reachable.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (vals[j] === EMPTY) break;
      const k = this.home(keys[j]!);
      const stays = i <= j ? i < k && k <= j : i < k || k <= j;
      if (stays) continue;
      keys[i] = keys[j]!;
      vals[i] = vals[j]!;
      i = j;
    }
    vals[i] = EMPTY;
    this.count--;
    return removed;
  }

  clear(): void {
    this.vals.fill(EMPTY);
    this.count = 0;
  }

  private rehash(cap: number): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    this.count = 0;
    for (let i = 0; i < oldVals.length; i++) {
      const v = oldVals[i]!;
      if (v !== EMPTY) this.insert(oldKeys[i]!, v);
    }
  }
}
