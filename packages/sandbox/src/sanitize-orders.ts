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
}

export type DriverAnswer = { ok: true; answer: SanitizedAnswer } | { ok: false; kind: string; error: string };

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

/** Parses and validates one driver answer. Never throws. */
export function parseDriverAnswer(out: string, tickSize: number, limits: SanitizeLimits): DriverAnswer {
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
    return { ok: false, kind: typeof kind === 'string' ? kind.slice(0, 16) : 'error', error: typeof error === 'string' ? error.slice(0, 500) : 'strategy failed' };
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
  };
  const decimals = decimalsOf(tickSize);
  for (let i = 0; i < list.length; i++) {
    if (answer.orders.length >= limits.maxOrdersPerTick) {
      answer.overCap += list.length - i;
      break;
    }
    const o: unknown = list[i];
    const order = o !== null && typeof o === 'object' ? sanitizeOrder(o, tickSize, decimals, limits, answer) : null;
    if (order) answer.orders.push(order);
    else answer.malformed++;
  }
  const fv = field(raw, 'fv');
  if (Array.isArray(fv)) answer.factorVector = fv.slice(0, 16).map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0));
  return { ok: true, answer };
}

function sanitizeOrder(o: object, tickSize: number, decimals: number, limits: SanitizeLimits, acc: SanitizedAnswer): OrderIntent | null {
  const sideRaw = field(o, 'side');
  const typeRaw = field(o, 'type');
  const side = typeof sideRaw === 'string' ? SIDE_ALIASES[sideRaw.toUpperCase()] : undefined;
  const type = typeof typeRaw === 'string' ? TYPES[typeRaw.toUpperCase()] : undefined;
  if (!side || !type) return null;
  if (type === 'CANCEL') {
    const target = field(o, 'cancelTarget');
    if (typeof target !== 'number' || !Number.isSafeInteger(target) || target < 0) return null;
    return { side, type, qty: 0, price: null, cancelTarget: target };
  }
  const qtyRaw = field(o, 'qty');
  if (typeof qtyRaw !== 'number' || !Number.isFinite(qtyRaw) || qtyRaw <= 0) return null;
  const qty = Math.min(limits.maxQty, Math.max(limits.minQty, Math.round(qtyRaw)));
  if (qty !== qtyRaw) acc.clamped++;
  if (type === 'MARKET') return { side, type, qty, price: null };
  const priceRaw = field(o, 'price');
  if (typeof priceRaw !== 'number' || !Number.isFinite(priceRaw) || priceRaw <= 0) return null;
  const price = Number((Math.round(priceRaw / tickSize) * tickSize).toFixed(decimals));
  if (!(price > 0) || !Number.isFinite(price)) return null;
  return { side, type, qty, price };
}
