/**
 * The limit order book of one instrument: resting orders and their price levels, with the
 * queries the simulation reads (touch, depth, one order, an owner's orders, side totals).
 *
 * Layout, chosen for an allocation-free matching path:
 * - orders live in a struct-of-arrays pool of typed columns, slots reused through a free list;
 * - each price level is a FIFO of its orders as an intrusive doubly linked list (ordPrev/ordNext),
 *   so time priority is list order and a cancel unlinks in O(1);
 * - levels live in a second pool with their total qty and order count; each side keeps its active
 *   levels in a sorted `PriceLadder` with the touch last;
 * - order id → slot is an open-addressing `IdIndex`; each owner's orders form a second intrusive
 *   list (ownPrev/ownNext), oldest first, so `openOrders(owner)` costs only that owner's orders.
 *
 * The book itself does not validate: `MatchingEngine` checks every order before it gets here. The
 * columns are public for the engine's matching loop; treat them as read-only elsewhere.
 */
import type { BookLevel, DepthSnapshot, OpenOrder, Side } from '../types.js';
import { IdIndex } from './id-index.js';
import { PriceLadder } from './price-ladder.js';
import { TickGrid } from './tick-grid.js';
import { growF64, growI32, growU8 } from '../util/typed-grow.js';

export interface OrderBookOptions {
  /** Price grid step; prices round to the nearest multiple. Default 0.0001 (docs/MODEL.md §1). */
  tickSize?: number;
  /** Initial slots of the order pool and id index (they grow by doubling). Default 1024. */
  initialCapacity?: number;
}

/** A resting order as `getOrder` reports it; `qty` is what remains, `tick` when it was submitted. */
export interface BookOrder {
  orderId: number;
  owner: number;
  side: Side;
  price: number;
  qty: number;
  tick: number;
}

export const DEFAULT_TICK_SIZE = 0.0001;
export const DEFAULT_INITIAL_CAPACITY = 1024;

/** Side index used in the typed columns. */
export const BID = 0;
export const ASK = 1;

const NONE = -1;
/** `depth(Infinity)` means every level. */
const MAX_DEPTH_LEVELS = 0x7fffffff;

export class OrderBook {
  readonly tickSize: number;
  readonly grid: TickGrid;

  // Order pool columns, indexed by slot.
  ordId: Float64Array;
  ordOwner: Int32Array;
  ordSide: Uint8Array;
  /** Price in ticks. */
  ordPx: Int32Array;
  /** Remaining quantity. */
  ordQty: Float64Array;
  /** Simulation tick of submission. */
  ordTime: Float64Array;
  ordPrev: Int32Array;
  /** Next in the level FIFO; for a free slot, the next free slot. */
  ordNext: Int32Array;
  ordLevel: Int32Array;
  ownPrev: Int32Array;
  ownNext: Int32Array;
  private freeOrder = NONE;
  private orderTop = 0;
  private live = 0;
  /**
   * Largest id that ever rested. Callers assign increasing ids, so a new id above it cannot be on
   * the book and the duplicate check skips the hash probe (a likely cache miss).
   */
  maxRestedId = -1;

  // Level pool columns, indexed by level slot.
  /** First (oldest) order; for a free level, the next free level. */
  lvlHead: Int32Array;
  lvlTail: Int32Array;
  lvlQty: Float64Array;
  lvlCount: Int32Array;
  lvlPx: Int32Array;
  private freeLevel = NONE;
  private levelTop = 0;

  readonly bids = new PriceLadder();
  readonly asks = new PriceLadder();
  /** Resting qty per side index. */
  readonly sideQty = new Float64Array(2);
  readonly ids: IdIndex;

  private ownerHead: Int32Array = new Int32Array(16).fill(NONE);
  private ownerTail: Int32Array = new Int32Array(16).fill(NONE);
  private ownerCount: Int32Array = new Int32Array(16);

  constructor(opts: OrderBookOptions = {}) {
    this.grid = new TickGrid(opts.tickSize ?? DEFAULT_TICK_SIZE);
    this.tickSize = this.grid.tickSize;
    const requested = opts.initialCapacity ?? DEFAULT_INITIAL_CAPACITY;
    if (!Number.isInteger(requested) || requested < 1) {
      throw new RangeError(`initialCapacity must be a positive integer (e.g. 1024), got ${String(requested)}`);
    }
    const cap = requested;
    this.ordId = new Float64Array(cap);
    this.ordOwner = new Int32Array(cap);
    this.ordSide = new Uint8Array(cap);
    this.ordPx = new Int32Array(cap);
    this.ordQty = new Float64Array(cap);
    this.ordTime = new Float64Array(cap);
    this.ordPrev = new Int32Array(cap);
    this.ordNext = new Int32Array(cap);
    this.ordLevel = new Int32Array(cap);
    this.ownPrev = new Int32Array(cap);
    this.ownNext = new Int32Array(cap);
    const lcap = 64;
    this.lvlHead = new Int32Array(lcap);
    this.lvlTail = new Int32Array(lcap);
    this.lvlQty = new Float64Array(lcap);
    this.lvlCount = new Int32Array(lcap);
    this.lvlPx = new Int32Array(lcap);
    this.ids = new IdIndex(cap);
  }

  // ---------------------------------------------------------------- prices

  priceToTicks(price: number): number {
    return this.grid.toTicks(price);
  }

  ticksToPrice(ticks: number): number {
    return this.grid.toPrice(ticks);
  }

  // ---------------------------------------------------------------- queries

  /** Live resting orders. */
  get size(): number {
    return this.live;
  }

  /** Best bid in ticks, or null when there are no bids. */
  bestBidTicks(): number | null {
    const n = this.bids.n;
    return n > 0 ? this.bids.keys[n - 1]! : null;
  }

  /** Best ask in ticks, or null when there are no asks. */
  bestAskTicks(): number | null {
    const n = this.asks.n;
    return n > 0 ? -this.asks.keys[n - 1]! : null;
  }

  bestBid(): number | null {
    const t = this.bestBidTicks();
    return t === null ? null : this.grid.toPrice(t);
  }

  bestAsk(): number | null {
    const t = this.bestAskTicks();
    return t === null ? null : this.grid.toPrice(t);
  }

  /** (bestBid + bestAsk) / 2, or null when a side is empty. */
  mid(): number | null {
    const b = this.bestBidTicks();
    const a = this.bestAskTicks();
    return b === null || a === null ? null : this.grid.midPrice(b, a);
  }

  /** bestAsk - bestBid, or null when a side is empty. */
  spread(): number | null {
    const b = this.bestBidTicks();
    const a = this.bestAskTicks();
    return b === null || a === null ? null : this.grid.toPrice(a - b);
  }

  /** Number of distinct price levels on a side. */
  levelCount(side: Side): number {
    return side === 'BID' ? this.bids.n : this.asks.n;
  }

  /** Top `levels` levels per side aggregated by price: bids high→low, asks low→high (Infinity: all). */
  depth(levels: number): DepthSnapshot {
    const want = levels > 0 ? Math.floor(Math.min(levels, MAX_DEPTH_LEVELS)) : 0; // NaN → 0
    return {
      bids: this.sideLevels(this.bids, want, 1),
      asks: this.sideLevels(this.asks, want, -1),
      bestBid: this.bestBid(),
      bestAsk: this.bestAsk(),
      mid: this.mid(),
      spread: this.spread(),
    };
  }

  private sideLevels(ladder: PriceLadder, want: number, sign: number): BookLevel[] {
    const out: BookLevel[] = [];
    for (let i = ladder.n - 1; i >= 0 && out.length < want; i--) {
      const lvl = ladder.levels[i]!;
      out.push({
        price: this.grid.toPrice(sign * ladder.keys[i]!),
        qty: this.lvlQty[lvl]!,
        orders: this.lvlCount[lvl]!,
      });
    }
    return out;
  }

  /** Pool slot of a resting order, or -1. */
  slotOf(orderId: number): number {
    return this.ids.get(orderId);
  }

  /** A resting order by id, or null when it is not (or no longer) on the book. */
  getOrder(orderId: number): BookOrder | null {
    const s = this.ids.get(orderId);
    if (s === NONE) return null;
    return {
      orderId: this.ordId[s]!,
      owner: this.ordOwner[s]!,
      side: this.ordSide[s] === BID ? 'BID' : 'ASK',
      price: this.grid.toPrice(this.ordPx[s]!),
      qty: this.ordQty[s]!,
      tick: this.ordTime[s]!,
    };
  }

  /** All resting qty on a side. */
  totalQty(side: Side): number {
    return this.sideQty[side === 'BID' ? BID : ASK]!;
  }

  /** Number of resting orders of an owner. */
  ownerOrderCount(owner: number): number {
    return owner >= 0 && owner < this.ownerCount.length ? this.ownerCount[owner]! : 0;
  }

  /** An owner's resting orders, oldest first (allocates; once per agent per tick is the intent). */
  openOrders(owner: number): OpenOrder[] {
    const out: OpenOrder[] = [];
    if (!(owner >= 0 && owner < this.ownerHead.length)) return out;
    for (let s = this.ownerHead[owner]!; s !== NONE; s = this.ownNext[s]!) {
      out.push({
        orderId: this.ordId[s]!,
        side: this.ordSide[s] === BID ? 'BID' : 'ASK',
        price: this.grid.toPrice(this.ordPx[s]!),
        qty: this.ordQty[s]!,
        tick: this.ordTime[s]!,
      });
    }
    return out;
  }

  // ---------------------------------------------------------------- mutation (engine only)

  /**
   * @internal Engine only: appends a validated order to the back of its price level (creating
   * the level if needed). The id must not be resting already. Returns the order's slot.
   */
  rest(orderId: number, owner: number, side: number, px: number, qty: number, time: number): number {
    const s = this.allocOrder();
    const ladder = side === BID ? this.bids : this.asks;
    const key = side === BID ? px : -px;
    let lvl: number;
    const n = ladder.n;
    if (n > 0 && ladder.keys[n - 1] === key) {
      lvl = ladder.levels[n - 1]!;
    } else {
      const at = ladder.lowerBound(key);
      if (at < n && ladder.keys[at] === key) {
        lvl = ladder.levels[at]!;
      } else {
        lvl = this.allocLevel(px);
        ladder.insertAt(at, key, lvl);
      }
    }
    this.ordId[s] = orderId;
    this.ordOwner[s] = owner;
    this.ordSide[s] = side;
    this.ordPx[s] = px;
    this.ordQty[s] = qty;
    this.ordTime[s] = time;
    this.ordLevel[s] = lvl;
    const tail = this.lvlTail[lvl]!;
    this.ordPrev[s] = tail;
    this.ordNext[s] = NONE;
    if (tail === NONE) this.lvlHead[lvl] = s;
    else this.ordNext[tail] = s;
    this.lvlTail[lvl] = s;
    this.lvlQty[lvl] = this.lvlQty[lvl]! + qty;
    this.lvlCount[lvl] = this.lvlCount[lvl]! + 1;
    this.sideQty[side] = this.sideQty[side]! + qty;
    this.ids.insert(orderId, s);
    if (orderId > this.maxRestedId) this.maxRestedId = orderId;
    this.linkOwner(s, owner);
    this.live++;
    return s;
  }

  /** @internal Engine only: removes a resting order from its level; returns the qty it had left. */
  remove(s: number): number {
    const qty = this.ordQty[s]!;
    const lvl = this.ordLevel[s]!;
    const prev = this.ordPrev[s]!;
    const next = this.ordNext[s]!;
    if (prev === NONE) this.lvlHead[lvl] = next;
    else this.ordNext[prev] = next;
    if (next === NONE) this.lvlTail[lvl] = prev;
    else this.ordPrev[next] = prev;
    this.lvlQty[lvl] = this.lvlQty[lvl]! - qty;
    const side = this.ordSide[s]!;
    this.sideQty[side] = this.sideQty[side]! - qty;
    const left = this.lvlCount[lvl]! - 1;
    this.lvlCount[lvl] = left;
    if (left === 0) {
      const px = this.lvlPx[lvl]!;
      if (side === BID) this.bids.remove(px);
      else this.asks.remove(-px);
      this.freeLevelSlot(lvl);
    }
    this.retire(s);
    return qty;
  }

  /**
   * @internal Engine only: forgets an order the matching loop already unlinked from its level
   * (or is about to drop with its level): id index, owner list, slot.
   */
  retire(s: number): void {
    this.ids.delete(this.ordId[s]!);
    this.unlinkOwner(s);
    this.ordNext[s] = this.freeOrder;
    this.freeOrder = s;
    this.live--;
  }

  /** @internal Engine only: drops the best level of a side once the matching loop emptied it. */
  dropBestLevel(side: number): void {
    const ladder = side === BID ? this.bids : this.asks;
    const n = --ladder.n;
    this.freeLevelSlot(ladder.levels[n]!);
  }

  // ---------------------------------------------------------------- consistency

  /**
   * Checks every structural invariant (links, level sums and counts, ladder order, index, owner
   * lists, side totals, an uncrossed touch) and lists the violations; empty means consistent.
   * O(size); for tests and debugging.
   */
  auditInvariants(): string[] {
    const errs: string[] = [];
    const seen = new Set<number>();
    const sideTotals = [0, 0];
    const perOwner = new Map<number, number>();
    for (const [side, ladder] of [
      [BID, this.bids],
      [ASK, this.asks],
    ] as const) {
      for (let i = 0; i < ladder.n; i++) {
        const key = ladder.keys[i]!;
        if (i > 0 && ladder.keys[i - 1]! >= key) errs.push(`side ${side}: ladder keys not strictly ascending at ${i}`);
        const lvl = ladder.levels[i]!;
        const px = side === BID ? key : -key;
        if (this.lvlPx[lvl] !== px) errs.push(`level ${lvl}: px ${this.lvlPx[lvl]} != ladder ${px}`);
        let qty = 0;
        let count = 0;
        let prev = NONE;
        for (let s = this.lvlHead[lvl]!; s !== NONE; s = this.ordNext[s]!) {
          if (seen.has(s)) {
            errs.push(`slot ${s} linked twice`);
            break;
          }
          seen.add(s);
          if (this.ordPrev[s] !== prev) errs.push(`slot ${s}: prev link broken`);
          if (this.ordLevel[s] !== lvl) errs.push(`slot ${s}: level ${this.ordLevel[s]} != ${lvl}`);
          if (this.ordSide[s] !== side) errs.push(`slot ${s}: side mismatch`);
          if (this.ordPx[s] !== px) errs.push(`slot ${s}: px mismatch`);
          const q = this.ordQty[s]!;
          if (!(q > 0 && Number.isInteger(q))) errs.push(`slot ${s}: qty ${q} not a positive integer`);
          if (this.ids.get(this.ordId[s]!) !== s) errs.push(`slot ${s}: id ${this.ordId[s]} not indexed`);
          const o = this.ordOwner[s]!;
          perOwner.set(o, (perOwner.get(o) ?? 0) + 1);
          qty += q;
          count++;
          prev = s;
        }
        if (this.lvlTail[lvl] !== prev) errs.push(`level ${lvl}: tail link broken`);
        if (count === 0) errs.push(`level ${lvl}: empty level on the ladder`);
        if (this.lvlCount[lvl] !== count) errs.push(`level ${lvl}: count ${this.lvlCount[lvl]} != ${count}`);
        if (this.lvlQty[lvl] !== qty) errs.push(`level ${lvl}: qty ${this.lvlQty[lvl]} != ${qty}`);
        sideTotals[side] = sideTotals[side]! + qty;
      }
      if (this.sideQty[side] !== sideTotals[side]) {
        errs.push(`side ${side}: total ${this.sideQty[side]} != ${sideTotals[side]}`);
      }
    }
    if (seen.size !== this.live) errs.push(`live ${this.live} != linked ${seen.size}`);
    if (this.ids.size !== this.live) errs.push(`index size ${this.ids.size} != live ${this.live}`);
    for (let o = 0; o < this.ownerHead.length; o++) {
      let c = 0;
      let prev = NONE;
      for (let s = this.ownerHead[o]!; s !== NONE; s = this.ownNext[s]!) {
        if (this.ownPrev[s] !== prev || this.ordOwner[s] !== o || !seen.has(s)) {
          errs.push(`owner ${o}: list broken at slot ${s}`);
          break;
        }
        prev = s;
        c++;
      }
      if (this.ownerTail[o] !== prev) errs.push(`owner ${o}: tail link broken`);
      if (c !== (perOwner.get(o) ?? 0) || this.ownerCount[o] !== c) errs.push(`owner ${o}: count mismatch`);
    }
    const b = this.bestBidTicks();
    const a = this.bestAskTicks();
    if (b !== null && a !== null && b >= a) errs.push(`book crossed: bid ${b} >= ask ${a}`);
    return errs;
  }

  // ---------------------------------------------------------------- pools

  private allocOrder(): number {
    const f = this.freeOrder;
    if (f !== NONE) {
      this.freeOrder = this.ordNext[f]!;
      return f;
    }
    if (this.orderTop === this.ordQty.length) this.growOrders(this.orderTop * 2);
    return this.orderTop++;
  }

  private growOrders(cap: number): void {
    this.ordId = growF64(this.ordId, cap);
    this.ordOwner = growI32(this.ordOwner, cap);
    this.ordSide = growU8(this.ordSide, cap);
    this.ordPx = growI32(this.ordPx, cap);
    this.ordQty = growF64(this.ordQty, cap);
    this.ordTime = growF64(this.ordTime, cap);
    this.ordPrev = growI32(this.ordPrev, cap);
    this.ordNext = growI32(this.ordNext, cap);
    this.ordLevel = growI32(this.ordLevel, cap);
    this.ownPrev = growI32(this.ownPrev, cap);
    this.ownNext = growI32(this.ownNext, cap);
  }

  private allocLevel(px: number): number {
    let lvl = this.freeLevel;
    if (lvl !== NONE) {
      this.freeLevel = this.lvlHead[lvl]!;
    } else {
      if (this.levelTop === this.lvlQty.length) this.growLevels(this.levelTop * 2);
      lvl = this.levelTop++;
    }
    this.lvlHead[lvl] = NONE;
    this.lvlTail[lvl] = NONE;
    this.lvlQty[lvl] = 0;
    this.lvlCount[lvl] = 0;
    this.lvlPx[lvl] = px;
    return lvl;
  }

  private freeLevelSlot(lvl: number): void {
    this.lvlHead[lvl] = this.freeLevel;
    this.freeLevel = lvl;
  }

  private growLevels(cap: number): void {
    this.lvlHead = growI32(this.lvlHead, cap);
    this.lvlTail = growI32(this.lvlTail, cap);
    this.lvlQty = growF64(this.lvlQty, cap);
    this.lvlCount = growI32(this.lvlCount, cap);
    this.lvlPx = growI32(this.lvlPx, cap);
  }

  private linkOwner(s: number, owner: number): void {
    if (owner >= this.ownerHead.length) this.growOwners(owner + 1);
    const tail = this.ownerTail[owner]!;
    this.ownPrev[s] = tail;
    this.ownNext[s] = NONE;
    if (tail === NONE) this.ownerHead[owner] = s;
    else this.ownNext[tail] = s;
    this.ownerTail[owner] = s;
    this.ownerCount[owner] = this.ownerCount[owner]! + 1;
  }

  private unlinkOwner(s: number): void {
    const owner = this.ordOwner[s]!;
    const prev = this.ownPrev[s]!;
    const next = this.ownNext[s]!;
    if (prev === NONE) this.ownerHead[owner] = next;
    else this.ownNext[prev] = next;
    if (next === NONE) this.ownerTail[owner] = prev;
    else this.ownPrev[next] = prev;
    this.ownerCount[owner] = this.ownerCount[owner]! - 1;
  }

  private growOwners(min: number): void {
    let cap = this.ownerHead.length;
    while (cap < min) cap *= 2;
    this.ownerHead = growI32(this.ownerHead, cap, NONE);
    this.ownerTail = growI32(this.ownerTail, cap, NONE);
    this.ownerCount = growI32(this.ownerCount, cap);
  }
}
