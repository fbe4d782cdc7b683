/**
 * The book's error catalogue: every way an order can be refused, as a stable numeric code (what
 * the hot path returns) with a message naming what was wrong and what would be valid. Rejection is
 * always a result, never a throw, and a rejected order never touches the book.
 */
import { MAX_PRICE_TICKS } from './tick-grid.js';

/** Largest quantity of one order (fills and per-order quantities fit an Int32). */
export const MAX_ORDER_QTY = 0x7fffffff;
/** Largest owner (agent index); per-owner order lists are sized by it lazily. */
export const MAX_OWNER = 0xfffff;

export const RejectCode = {
  QTY_NOT_FINITE: 1,
  QTY_NOT_POSITIVE: 2,
  QTY_NOT_INTEGER: 3,
  QTY_TOO_LARGE: 4,
  PRICE_MISSING: 5,
  PRICE_NOT_FINITE: 6,
  PRICE_NOT_POSITIVE: 7,
  PRICE_BELOW_ONE_TICK: 8,
  PRICE_TOO_LARGE: 9,
  UNKNOWN_SIDE: 10,
  UNKNOWN_TYPE: 11,
  DUPLICATE_ORDER_ID: 12,
  INVALID_ORDER_ID: 13,
  INVALID_OWNER: 14,
  INVALID_TICK: 15,
  INVALID_CANCEL_TARGET: 16,
} as const;

export type RejectCodeName = keyof typeof RejectCode;
export type RejectCodeValue = (typeof RejectCode)[RejectCodeName];

const MESSAGES: Record<RejectCodeName, string> = {
  QTY_NOT_FINITE: 'qty is not a finite number; qty must be a positive integer (>= 1)',
  QTY_NOT_POSITIVE: 'qty is zero or negative; qty must be a positive integer (>= 1)',
  QTY_NOT_INTEGER: 'qty has a fractional part; qty must be a whole number of units (>= 1)',
  QTY_TOO_LARGE: `qty is larger than ${MAX_ORDER_QTY} units; split it into orders of at most that size`,
  PRICE_MISSING: 'a LIMIT order has no price; LIMIT orders need a positive finite price (MARKET orders take none)',
  PRICE_NOT_FINITE: 'price is not a finite number (NaN, Infinity or not a number); a LIMIT price must be a positive finite number',
  PRICE_NOT_POSITIVE: 'price is zero or negative; a LIMIT price must be greater than 0',
  PRICE_BELOW_ONE_TICK: 'price rounds to 0 ticks on the tick grid; the lowest valid price is one tick (the book tickSize)',
  PRICE_TOO_LARGE: `price is more than ${MAX_PRICE_TICKS} ticks; use a lower price or a larger tickSize`,
  UNKNOWN_SIDE: "side is not 'BID' or 'ASK'; use 'BID' to buy or 'ASK' to sell",
  UNKNOWN_TYPE: "order type is not 'LIMIT' or 'MARKET' ('CANCEL' goes through submit or processCancel)",
  DUPLICATE_ORDER_ID: 'order id is already used by an order resting on the book; every order needs a unique id',
  INVALID_ORDER_ID: 'order id is not a non-negative safe integer; ids must be integers in [0, 2^53 - 1]',
  INVALID_OWNER: `owner is not an integer agent index in [0, ${MAX_OWNER}]`,
  INVALID_TICK: 'tick is not a finite number; pass the simulation tick the order was submitted in',
  INVALID_CANCEL_TARGET:
    'a CANCEL has no valid cancelTarget; it needs the integer id of a resting order (an unknown id is a no-op, not an error)',
};

const NAMES: (RejectCodeName | undefined)[] = [];
for (const name of Object.keys(RejectCode) as RejectCodeName[]) NAMES[RejectCode[name]] = name;

/** Name of a reject code ('QTY_NOT_POSITIVE'), or null for a code outside the catalogue. */
export function rejectCodeName(code: number): RejectCodeName | null {
  return NAMES[code] ?? null;
}

/** Message for a reject code: what was wrong and what is valid. */
export function rejectReason(code: number): string {
  const name = NAMES[code];
  return name === undefined
    ? `unknown reject code ${code}; valid codes are 1..${NAMES.length - 1} (see RejectCode)`
    : MESSAGES[name];
}
