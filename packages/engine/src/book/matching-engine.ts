/**
 * Price-time matching against an `OrderBook`: validates each order, crosses it against the
 * opposite side from the touch outward (each level oldest first, always at the resting order's
 * price), then rests a LIMIT remainder or drops a MARKET one. Self-trades are allowed (docs/MODEL.md §1).
 *
 * `processOrder` / `processCancel` are the hot path: no allocation, fills go to `fills`, the
 * outcome is a numeric code plus the `last*` fields. `submit` wraps them in result objects.
 */
import type { OrderType, Side } from '../types.js';
import { FillBuffer } from './fill-buffer.js';
import { ASK, BID, type OrderBook } from './order-book.js';
import type { OrderAccepted, OrderRejected, OrderResult } from './order-result.js';
import { MAX_ORDER_QTY, MAX_OWNER, RejectCode, rejectCodeName, rejectReason } from './reject-code.js';
import { MAX_PRICE_TICKS } from './tick-grid.js';

/** What `submit` takes: an order as the simulation stamped it. */
export interface SubmitOrder {
  orderId: number;
  owner: number;
  side: Side;
  type: OrderType;
  price?: number | null;
  qty: number;
  cancelTarget?: number | null;
  /** Simulation tick of submission. */
  tick: number;
}

export interface MatchingEngineOptions {
  /** Initial rows of the fill buffer (it doubles when full). Default 256. */
  fillCapacity?: number;
}

/** Returned by `processOrder` for an accepted order. */
export const ACCEPTED = 0;

const NONE = -1;
/** Below every ladder key: a MARKET order crosses any price. */
const ANY_PRICE_KEY = -2147483648;

export class MatchingEngine {
  readonly book: OrderBook;
  readonly fills: FillBuffer;
  /** Quantities of the last accepted `processOrder`. */
  lastFilled = 0;
  lastRested = 0;
  lastDropped = 0;
  /** Its fills are rows [lastFillStart, fills.count) of `fills` (until the caller clears it). */
  lastFillStart = 0;

  constructor(book: OrderBook, opts: MatchingEngineOptions = {}) {
    this.book = book;
    this.fills = new FillBuffer(opts.fillCapacity ?? 256);
  }

  /**
   * Validates and executes one LIMIT or MARKET order. Returns 0 when accepted (see lastFilled,
   * lastRested, lastDropped) or a positive `RejectCode`, in which case nothing changed.
   */
  processOrder(
    orderId: number,
    owner: number,
    side: Side,
    type: OrderType,
    price: number | null,
    qty: number,
    tick: number,
  ): number {
    let sideIdx: number;
    if (side === 'BID') sideIdx = BID;
    else if (side === 'ASK') sideIdx = ASK;
    else return RejectCode.UNKNOWN_SIDE;
    let isLimit: boolean;
    if (type === 'LIMIT') isLimit = true;
    else if (type === 'MARKET') isLimit = false;
    else return RejectCode.UNKNOWN_TYPE;
    if (!Number.isFinite(qty)) return RejectCode.QTY_NOT_FINITE;
    if (qty <= 0) return RejectCode.QTY_NOT_POSITIVE;
    if (!Number.isInteger(qty)) return RejectCode.QTY_NOT_INTEGER;
    if (qty > MAX_ORDER_QTY) return RejectCode.QTY_TOO_LARGE;
    const book = this.book;
    let px = 0;
    if (isLimit) {
      if (price === null || price === undefined) return RejectCode.PRICE_MISSING;
      if (!Number.isFinite(price)) return RejectCode.PRICE_NOT_FINITE;
      if (price <= 0) return RejectCode.PRICE_NOT_POSITIVE;
      px = Math.round(price / book.tickSize);
      if (px < 1) return RejectCode.PRICE_BELOW_ONE_TICK;
      if (px > MAX_PRICE_TICKS) return RejectCode.PRICE_TOO_LARGE;
    }
    if (!Number.isSafeInteger(orderId) || orderId < 0) return RejectCode.INVALID_ORDER_ID;
    if (!Number.isInteger(owner) || owner < 0 || owner > MAX_OWNER) return RejectCode.INVALID_OWNER;
    if (!Number.isFinite(tick)) return RejectCode.INVALID_TICK;
    if (orderId <= book.maxRestedId && book.ids.get(orderId) !== NONE) return RejectCode.DUPLICATE_ORDER_ID;

    const fills = this.fills;
    this.lastFillStart = fills.count;
    const oppSide = sideIdx === BID ? ASK : BID;
    const opp = sideIdx === BID ? book.asks : book.bids;
    // Ladder keys grow with how good a level is for its own side (asks: -ticks), so a level
    // crosses while key >= the taker's limit expressed in the opposite side's keys.
    const limitKey = isLimit ? (sideIdx === BID ? -px : px) : ANY_PRICE_KEY;
    const ordQty = book.ordQty;
    const ordNext = book.ordNext;
    const ordId = book.ordId;
    const ordOwner = book.ordOwner;
    const lvlHead = book.lvlHead;
    const lvlCount = book.lvlCount;
    let rem = qty;
    while (rem > 0) {
      const n = opp.n;
      if (n === 0 || opp.keys[n - 1]! < limitKey) break;
      const lvl = opp.levels[n - 1]!;
      const makerPx = book.lvlPx[lvl]!;
      let s = lvlHead[lvl]!;
      let traded = 0;
      while (s !== NONE) {
        const mq = ordQty[s]!;
        if (mq > rem) {
          ordQty[s] = mq - rem;
          fills.push(orderId, ordId[s]!, owner, ordOwner[s]!, makerPx, rem, sideIdx);
          traded += rem;
          rem = 0;
          break;
        }
        fills.push(orderId, ordId[s]!, owner, ordOwner[s]!, makerPx, mq, sideIdx);
        traded += mq;
        rem -= mq;
        lvlCount[lvl] = lvlCount[lvl]! - 1;
        const next = ordNext[s]!;
        book.retire(s);
        s = next;
        if (rem === 0) break;
      }
      book.lvlQty[lvl] = book.lvlQty[lvl]! - traded;
      book.sideQty[oppSide] = book.sideQty[oppSide]! - traded;
      if (s === NONE) {
        book.dropBestLevel(oppSide);
      } else {
        lvlHead[lvl] = s;
        book.ordPrev[s] = NONE;
      }
    }

    this.lastFilled = qty - rem;
    if (rem > 0 && isLimit) {
      book.rest(orderId, owner, sideIdx, px, rem, tick);
      this.lastRested = rem;
      this.lastDropped = 0;
    } else {
      this.lastRested = 0;
      this.lastDropped = rem;
    }
    return ACCEPTED;
  }

  /**
   * Removes a resting order (also a partially filled one) and returns the qty it still had; 0 when
   * the id is unknown or already gone. With `owner` >= 0, only that owner's order is removed.
   */
  processCancel(targetOrderId: number, owner = -1): number {
    const book = this.book;
    const s = book.ids.get(targetOrderId);
    if (s === NONE) return 0;
    if (owner >= 0 && book.ordOwner[s] !== owner) return 0;
    return book.remove(s);
  }

  /** Allocating convenience over processOrder/processCancel, CANCEL included. */
  submit(o: SubmitOrder): OrderResult {
    if (o.type === 'CANCEL') {
      const target = o.cancelTarget;
      if (typeof target !== 'number' || !Number.isSafeInteger(target) || target < 0) {
        return rejected(RejectCode.INVALID_CANCEL_TARGET, target);
      }
      return accepted(0, 0, 0, this.processCancel(target));
    }
    const code = this.processOrder(o.orderId, o.owner, o.side, o.type, o.price ?? null, o.qty, o.tick);
    if (code !== ACCEPTED) return rejected(code, offendingValue(code, o));
    return accepted(this.lastFilled, this.lastRested, this.lastDropped, 0);
  }
}

function accepted(filled: number, rested: number, dropped: number, cancelled: number): OrderAccepted {
  return { status: 'ACCEPTED', filled, rested, dropped, cancelled };
}

function rejected(code: number, value: unknown): OrderRejected {
  return {
    status: 'REJECTED',
    code,
    name: rejectCodeName(code) ?? 'UNKNOWN_TYPE',
    reason: `${rejectReason(code)} (got ${formatValue(value)})`,
  };
}

function offendingValue(code: number, o: SubmitOrder): unknown {
  switch (code) {
    case RejectCode.UNKNOWN_SIDE:
      return o.side;
    case RejectCode.UNKNOWN_TYPE:
      return o.type;
    case RejectCode.QTY_NOT_FINITE:
    case RejectCode.QTY_NOT_POSITIVE:
    case RejectCode.QTY_NOT_INTEGER:
    case RejectCode.QTY_TOO_LARGE:
      return o.qty;
    case RejectCode.INVALID_ORDER_ID:
    case RejectCode.DUPLICATE_ORDER_ID:
      return o.orderId;
    case RejectCode.INVALID_OWNER:
      return o.owner;
    case RejectCode.INVALID_TICK:
      return o.tick;
    default:
      return o.price;
  }
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}
