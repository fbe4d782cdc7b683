/**
 * Fills of the matching engine as columns of typed arrays, appended without allocation (the
 * arrays double when full). The caller reads rows [0, count) and then calls `clear()`.
 */
import type { Side } from '../types.js';
import { growF64, growI32, growU8 } from '../util/typed-grow.js';

/** One fill as a plain object, for tests and non-hot callers. */
export interface FillRecord {
  takerOrderId: number;
  makerOrderId: number;
  takerOwner: number;
  makerOwner: number;
  priceTicks: number;
  qty: number;
  takerSide: Side;
}

/** takerSide codes in `FillBuffer.takerSide`. */
export const SIDE_BID = 0;
export const SIDE_ASK = 1;

export class FillBuffer {
  count = 0;
  takerOrderId: Float64Array;
  makerOrderId: Float64Array;
  takerOwner: Int32Array;
  makerOwner: Int32Array;
  /** Fill price in ticks: always the resting (maker) order's price. */
  priceTicks: Int32Array;
  qty: Float64Array;
  /** 0 = BID (the taker bought), 1 = ASK (the taker sold). */
  takerSide: Uint8Array;

  constructor(initialCapacity = 256) {
    const cap = Math.max(1, Math.floor(initialCapacity));
    this.takerOrderId = new Float64Array(cap);
    this.makerOrderId = new Float64Array(cap);
    this.takerOwner = new Int32Array(cap);
    this.makerOwner = new Int32Array(cap);
    this.priceTicks = new Int32Array(cap);
    this.qty = new Float64Array(cap);
    this.takerSide = new Uint8Array(cap);
  }

  get capacity(): number {
    return this.qty.length;
  }

  push(
    takerOrderId: number,
    makerOrderId: number,
    takerOwner: number,
    makerOwner: number,
    priceTicks: number,
    qty: number,
    takerSide: number,
  ): void {
    const i = this.count;
    if (i === this.qty.length) this.grow();
    this.takerOrderId[i] = takerOrderId;
    this.makerOrderId[i] = makerOrderId;
    this.takerOwner[i] = takerOwner;
    this.makerOwner[i] = makerOwner;
    this.priceTicks[i] = priceTicks;
    this.qty[i] = qty;
    this.takerSide[i] = takerSide;
    this.count = i + 1;
  }

  /** Row i as an object (allocates; not for the hot path). */
  get(i: number): FillRecord {
    if (!(i >= 0 && i < this.count && Number.isInteger(i))) {
      throw new RangeError(`fill index must be an integer in [0, ${this.count}), got ${i}`);
    }
    return {
      takerOrderId: this.takerOrderId[i]!,
      makerOrderId: this.makerOrderId[i]!,
      takerOwner: this.takerOwner[i]!,
      makerOwner: this.makerOwner[i]!,
      priceTicks: this.priceTicks[i]!,
      qty: this.qty[i]!,
      takerSide: this.takerSide[i] === SIDE_BID ? 'BID' : 'ASK',
    };
  }

  /** Forget all rows; capacity is kept. */
  clear(): void {
    this.count = 0;
  }

  private grow(): void {
    const cap = this.qty.length * 2;
    this.takerOrderId = growF64(this.takerOrderId, cap);
    this.makerOrderId = growF64(this.makerOrderId, cap);
    this.takerOwner = growI32(this.takerOwner, cap);
    this.makerOwner = growI32(this.makerOwner, cap);
    this.priceTicks = growI32(this.priceTicks, cap);
    this.qty = growF64(this.qty, cap);
    this.takerSide = growU8(this.takerSide, cap);
  }
}
