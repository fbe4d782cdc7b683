/**
 * Host-side check of what a strategy answered. The input is the driver's JSON string; the output
 * is fresh OrderIntent objects built from whitelisted fields only (user objects are never spread
 * or kept), with quantities clamped and prices snapped to the tick grid.
 */
import type { OrderIntent, Side, OrderType } from '@crowdalpha/engine';

export interface SanitizeLimits {
  maxOrdersPerTick: number;
  minQty: number;
  maxQty: number;
}

export interface SanitizedAnswer {
  orders: OrderIntent[];
  /** Orders dropped for a bad side/type/qty/price/cancel target. */
  malformed: number;
  /** Orders beyond maxOrdersPerTick. */
  overCap: number;
  /** Orders whose qty was rounded or clamped. */
  clamped: number;
  /** The strategy's factor vector (non-finite entries as 0), or null when it gave none. */
  factorVector: number[] | null;
  /** Why orders were dropped or clamped, the first `reasonsWanted` of this answer. */
  reasons: string[];
  /** What the strategy logged during the call, or null. */
  log: CapturedLog | null;
}

/** console.* output of one call: the kept lines and how many more were not kept. */
export interface CapturedLog {
  lines: string[];
  dropped: number;
}

export type DriverAnswer =
  | { ok: true; answer: SanitizedAnswer }
  | { ok: false; kind: string; error: string; stack?: string; log?: CapturedLog | null };

function readLog(v: unknown): CapturedLog | null {
  if (v === null || typeof v !== 'object') return null;
  const lines = field(v, 'lines');
  const dropped = field(v, 'dropped');
  return {
    lines: Array.isArray(lines) ? lines.filter((l): l is string => typeof l === 'string').slice(0, 1_000) : [],
    dropped: typeof dropped === 'number' && Number.isFinite(dropped) && dropped > 0 ? Math.floor(dropped) : 0,
  };
}

const SIDE_ALIASES: Record<string, Side> = { BID: 'BID', BUY: 'BID', ASK: 'ASK', SELL: 'ASK' };
const TYPES: Record<string, OrderType> = { LIMIT: 'LIMIT', MARKET: 'MARKET', CANCEL: 'CANCEL' };

function decimalsOf(step: number): number {
  let d = 0;
  while (d < 12 && Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) > 1e-9) d++;
  return d;
}

function field(o: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/**
 * Parses and validates one driver answer. Never throws. `reasonsWanted`: how many drop/clamp
 * reasons to spell out (building them costs; the counts are always kept).
 */
export function parseDriverAnswer(out: string, tickSize: number, limits: SanitizeLimits, reasonsWanted = 0): DriverAnswer {
  let raw: unknown;
  try {
    raw = JSON.parse(out);
  } catch {
    return { ok: false, kind: 'output', error: 'answer was not valid JSON' };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, kind: 'output', error: 'answer was not an object' };
  if (field(raw, 'ok') !== true) {
    const kind = field(raw, 'kind');
    const error = field(raw, 'error');
    const stack = field(raw, 'stack');
    return {
      ok: false,
      kind: typeof kind === 'string' ? kind.slice(0, 16) : 'error',
      error: typeof error === 'string' ? error.slice(0, 500) : 'strategy failed',
      ...(typeof stack === 'string' ? { stack: stack.slice(0, 2_000) } : {}),
      log: readLog(field(raw, 'log')),
    };
  }
  const list = field(raw, 'orders');
  if (!Array.isArray(list)) return { ok: false, kind: 'output', error: 'answer had no order list' };
  const extra = field(raw, 'extra');
  const answer: SanitizedAnswer = {
    orders: [],
    malformed: 0,
    overCap: typeof extra === 'number' && Number.isFinite(extra) && extra > 0 ? Math.floor(extra) : 0,
    clamped: 0,
    factorVector: null,
    reasons: [],
    log: readLog(field(raw, 'log')),
  };
  const decimals = decimalsOf(tickSize);
  const why = reasonsWanted > 0 ? (i: number, text: string): void => {
    if (answer.reasons.length < reasonsWanted) answer.reasons.push(`order ${i + 1}: ${text}`);
  } : null;
  for (let i = 0; i < list.length; i++) {
    if (answer.orders.length >= limits.maxOrdersPerTick) {
      answer.overCap += list.length - i;
      break;
    }
    const o: unknown = list[i];
    const order = o !== null && typeof o === 'object' ? sanitizeOrder(o, tickSize, decimals, limits, answer, why ? (t) => why(i, t) : null) : null;
    if (order) answer.orders.push(order);
    else {
      answer.malformed++;
      if (why && (o === null || typeof o !== 'object')) why(i, `dropped: not an order object (${o === null ? 'null' : typeof o})`);
    }
  }
  if (why && answer.overCap > 0) why(list.length, `dropped ${answer.overCap} order(s) over the cap: at most ${limits.maxOrdersPerTick} a tick are kept`);
  const fv = field(raw, 'fv');
  if (Array.isArray(fv)) answer.factorVector = fv.slice(0, 16).map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0));
  return { ok: true, answer };
}

const show = (v: unknown): string => (v === null || v === undefined ? 'missing' : typeof v === 'string' ? JSON.stringify(v) : String(v));

function sanitizeOrder(
  o: object,
  tickSize: number,
  decimals: number,
  limits: SanitizeLimits,
  acc: SanitizedAnswer,
  why: ((text: string) => void) | null,
): OrderIntent | null {
  const sideRaw = field(o, 'side');
  const typeRaw = field(o, 'type');
  const side = typeof sideRaw === 'string' ? SIDE_ALIASES[sideRaw.toUpperCase()] : undefined;
  const type = typeof typeRaw === 'string' ? TYPES[typeRaw.toUpperCase()] : undefined;
  if (!side) return why?.(`dropped: side is ${show(sideRaw)}; write Side.BID or Side.ASK`), null;
  if (!type) return why?.(`dropped: type is ${show(typeRaw)}; write OrderType.LIMIT, MARKET or CANCEL (or use limit()/market()/cancel())`), null;
  if (type === 'CANCEL') {
    const target = field(o, 'cancelTarget');
    if (typeof target !== 'number' || !Number.isSafeInteger(target) || target < 0) return why?.(`dropped: CANCEL needs cancelTarget, an orderId from state.openOrders; got ${show(target)}`), null;
    return { side, type, qty: 0, price: null, cancelTarget: target };
  }
  const qtyRaw = field(o, 'qty');
  if (typeof qtyRaw !== 'number' || !Number.isFinite(qtyRaw) || qtyRaw <= 0) return why?.(`dropped: qty is ${show(qtyRaw)}; it must be a positive number`), null;
  const qty = Math.min(limits.maxQty, Math.max(limits.minQty, Math.round(qtyRaw)));
  if (qty !== qtyRaw) {
    acc.clamped++;
    why?.(`qty ${qtyRaw} became ${qty} (rounded to an integer in [${limits.minQty}, ${limits.maxQty}])`);
  }
  if (type === 'MARKET') return { side, type, qty, price: null };
  const priceRaw = field(o, 'price');
  if (typeof priceRaw !== 'number' || !Number.isFinite(priceRaw) || priceRaw <= 0) {
    return why?.(`dropped: LIMIT price is ${show(priceRaw)}; it must be a positive number (state.bestBid/bestAsk are null on an empty side)`), null;
  }
  const price = Number((Math.round(priceRaw / tickSize) * tickSize).toFixed(decimals));
  if (!(price > 0) || !Number.isFinite(price)) return why?.(`dropped: LIMIT price ${priceRaw} rounds to ${price} on the ${tickSize} tick grid`), null;
  return { side, type, qty, price };
}
