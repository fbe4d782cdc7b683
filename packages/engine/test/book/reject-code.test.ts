import { describe, expect, it } from 'vitest';
import { MAX_ORDER_QTY, MAX_OWNER, RejectCode, rejectCodeName, rejectReason } from '../../src/book/reject-code.js';
import type { SubmitOrder } from '../../src/book/matching-engine.js';
import type { OrderType, Side } from '../../src/types.js';
import { harness } from './helpers.js';

const good: SubmitOrder = { orderId: 100, owner: 1, side: 'BID', type: 'LIMIT', price: 99, qty: 5, tick: 0 };

/** Submits `o` on a book holding one bid and one ask; checks the rejection and that nothing moved. */
function expectRejected(o: Partial<SubmitOrder> & Record<string, unknown>, code: number, message: RegExp) {
  const h = harness();
  h.limit('BID', 99, 5);
  h.limit('ASK', 101, 5);
  const before = { depth: h.book.depth(10), size: h.book.size };
  const r = h.engine.submit({ ...good, ...o } as SubmitOrder);
  expect(r).toMatchObject({ status: 'REJECTED', code, name: rejectCodeName(code) });
  if (r.status !== 'REJECTED') throw new Error('unreachable');
  expect(r.reason.startsWith(rejectReason(code))).toBe(true);
  expect(r.reason).toMatch(message);
  expect({ depth: h.book.depth(10), size: h.book.size }).toEqual(before);
  expect(h.engine.fills.count).toBe(0);
  expect(h.book.auditInvariants()).toEqual([]);
}

describe('order rejection', () => {
  it('QTY_NOT_FINITE: NaN, Infinity or a non-number qty', () => {
    expectRejected({ qty: Number.NaN }, RejectCode.QTY_NOT_FINITE, /qty is not a finite number.*positive integer.*got NaN/);
    expectRejected({ qty: Number.POSITIVE_INFINITY }, RejectCode.QTY_NOT_FINITE, /got Infinity/);
    expectRejected({ qty: '5' as unknown as number }, RejectCode.QTY_NOT_FINITE, /got "5"/);
  });

  it('QTY_NOT_POSITIVE: zero or negative qty', () => {
    expectRejected({ qty: 0 }, RejectCode.QTY_NOT_POSITIVE, /zero or negative; qty must be a positive integer.*got 0/);
    expectRejected({ qty: -3 }, RejectCode.QTY_NOT_POSITIVE, /got -3/);
  });

  it('QTY_NOT_INTEGER: a fractional qty', () => {
    expectRejected({ qty: 1.5 }, RejectCode.QTY_NOT_INTEGER, /fractional part; qty must be a whole number.*got 1.5/);
  });

  it('QTY_TOO_LARGE: a qty above the per-order maximum', () => {
    expectRejected({ qty: MAX_ORDER_QTY + 1 }, RejectCode.QTY_TOO_LARGE, /larger than 2147483647 units/);
  });

  it('PRICE_MISSING: a LIMIT order without a price', () => {
    expectRejected({ price: null }, RejectCode.PRICE_MISSING, /LIMIT order has no price.*got null/);
    expectRejected({ price: undefined }, RejectCode.PRICE_MISSING, /got undefined/);
  });

  it('PRICE_NOT_FINITE: NaN, Infinity or a non-number price', () => {
    expectRejected({ price: Number.NaN }, RejectCode.PRICE_NOT_FINITE, /price is not a finite number.*got NaN/);
    expectRejected({ price: Number.NEGATIVE_INFINITY }, RejectCode.PRICE_NOT_FINITE, /got -Infinity/);
    expectRejected({ price: '99' as unknown as number }, RejectCode.PRICE_NOT_FINITE, /got "99"/);
  });

  it('PRICE_NOT_POSITIVE: zero or negative price', () => {
    expectRejected({ price: 0 }, RejectCode.PRICE_NOT_POSITIVE, /zero or negative; a LIMIT price must be greater than 0/);
    expectRejected({ price: -1 }, RejectCode.PRICE_NOT_POSITIVE, /got -1/);
  });

  it('PRICE_BELOW_ONE_TICK: a price that rounds to 0 ticks', () => {
    expectRejected({ price: 0.004 }, RejectCode.PRICE_BELOW_ONE_TICK, /rounds to 0 ticks.*one tick.*got 0.004/);
  });

  it('PRICE_TOO_LARGE: a price beyond the Int32 tick range', () => {
    expectRejected({ price: 1e8 }, RejectCode.PRICE_TOO_LARGE, /more than 2147483647 ticks/);
  });

  it('UNKNOWN_SIDE: a side other than BID or ASK', () => {
    expectRejected({ side: 'BUY' as Side }, RejectCode.UNKNOWN_SIDE, /not 'BID' or 'ASK'.*got "BUY"/);
  });

  it('UNKNOWN_TYPE: a type other than LIMIT, MARKET or CANCEL', () => {
    expectRejected({ type: 'STOP' as OrderType }, RejectCode.UNKNOWN_TYPE, /not 'LIMIT' or 'MARKET'.*got "STOP"/);
  });

  it('DUPLICATE_ORDER_ID: an id already resting on the book', () => {
    expectRejected({ orderId: 1 }, RejectCode.DUPLICATE_ORDER_ID, /already used by an order resting.*got 1/);
  });

  it('INVALID_ORDER_ID: a negative, fractional or unsafe order id', () => {
    expectRejected({ orderId: -1 }, RejectCode.INVALID_ORDER_ID, /non-negative safe integer/);
    expectRejected({ orderId: 1.5 }, RejectCode.INVALID_ORDER_ID, /got 1.5/);
    expectRejected({ orderId: 2 ** 53 }, RejectCode.INVALID_ORDER_ID, /got 9007199254740992/);
  });

  it('INVALID_OWNER: an owner that is not an agent index', () => {
    expectRejected({ owner: -1 }, RejectCode.INVALID_OWNER, /owner is not an integer agent index in \[0, 1048575\]/);
    expectRejected({ owner: MAX_OWNER + 1 }, RejectCode.INVALID_OWNER, /got 1048576/);
    expectRejected({ owner: 0.5 }, RejectCode.INVALID_OWNER, /got 0.5/);
  });

  it('INVALID_TICK: a non-finite simulation tick', () => {
    expectRejected({ tick: Number.NaN }, RejectCode.INVALID_TICK, /tick is not a finite number/);
  });

  it('INVALID_CANCEL_TARGET: a CANCEL without an integer target', () => {
    expectRejected({ type: 'CANCEL', cancelTarget: null }, RejectCode.INVALID_CANCEL_TARGET, /no valid cancelTarget.*got null/);
    expectRejected({ type: 'CANCEL', cancelTarget: 1.5 }, RejectCode.INVALID_CANCEL_TARGET, /got 1.5/);
  });

  it('every code in the catalogue has its own message and name', () => {
    const codes = Object.values(RejectCode);
    expect(new Set(codes.map(rejectReason)).size).toBe(codes.length);
    for (const [name, code] of Object.entries(RejectCode)) expect(rejectCodeName(code)).toBe(name);
    expect(rejectReason(999)).toMatch(/unknown reject code 999; valid codes are 1\.\.16/);
    expect(rejectCodeName(0)).toBeNull();
  });

  it('processOrder returns the code without throwing and leaves last* of the previous order', () => {
    const h = harness();
    h.limit('ASK', 101, 5);
    h.market('BID', 2);
    expect(h.engine.processOrder(50, 0, 'BID', 'CANCEL', null, 1, 0)).toBe(RejectCode.UNKNOWN_TYPE);
    expect(h.engine.processOrder(51, 0, 'BID', 'MARKET', null, 0, 0)).toBe(RejectCode.QTY_NOT_POSITIVE);
    expect(h.engine.lastFilled).toBe(2);
  });

  it('a MARKET order ignores its price field', () => {
    const h = harness();
    h.limit('ASK', 101, 5);
    const r = h.engine.submit({ orderId: 9, owner: 0, side: 'BID', type: 'MARKET', price: Number.NaN, qty: 2, tick: 0 });
    expect(r).toMatchObject({ status: 'ACCEPTED', filled: 2 });
  });
});
