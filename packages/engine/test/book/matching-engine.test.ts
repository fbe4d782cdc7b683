import { describe, expect, it } from 'vitest';
import { harness } from './helpers.js';

describe('MatchingEngine matching rules', () => {
  it('orders at one price fill first-in first-out', () => {
    const h = harness();
    const a = h.limit('ASK', 101, 2);
    const b = h.limit('ASK', 101, 2);
    const c = h.limit('ASK', 101, 2);
    const t = h.market('BID', 5);
    expect(h.takeFills()).toEqual([
      [t.orderId, a.orderId, 101, 2],
      [t.orderId, b.orderId, 101, 2],
      [t.orderId, c.orderId, 101, 1],
    ]);
    expect(h.book.getOrder(c.orderId)?.qty).toBe(1);
  });

  it('a better price fills before an older order at a worse price', () => {
    const h = harness();
    const worse = h.limit('BID', 99, 5);
    const better = h.limit('BID', 99.5, 5);
    const t = h.market('ASK', 6);
    expect(h.takeFills()).toEqual([
      [t.orderId, better.orderId, 99.5, 5],
      [t.orderId, worse.orderId, 99, 1],
    ]);
  });

  it('a crossing limit order fills at the resting order’s price, not its own', () => {
    const h = harness();
    const maker = h.limit('ASK', 100.25, 5);
    const taker = h.limit('BID', 105, 5);
    expect(h.takeFills()).toEqual([[taker.orderId, maker.orderId, 100.25, 5]]);
    expect(taker).toMatchObject({ status: 'ACCEPTED', filled: 5, rested: 0, dropped: 0 });
  });

  it('a limit order partially filled rests its remainder at its own price', () => {
    const h = harness();
    h.limit('ASK', 101, 3);
    const t = h.limit('BID', 101, 10);
    expect(t).toMatchObject({ status: 'ACCEPTED', filled: 3, rested: 7, dropped: 0 });
    expect(h.book.getOrder(t.orderId)).toMatchObject({ side: 'BID', price: 101, qty: 7 });
    expect(h.book.bestBid()).toBe(101);
    expect(h.book.bestAsk()).toBeNull();
  });

  it('a limit order stops sweeping at its limit price', () => {
    const h = harness();
    h.limit('ASK', 101, 1);
    h.limit('ASK', 102, 1);
    const far = h.limit('ASK', 104, 1);
    const t = h.limit('BID', 103, 5);
    expect(t).toMatchObject({ filled: 2, rested: 3 });
    expect(h.book.bestAsk()).toBe(104);
    expect(h.book.getOrder(far.orderId)?.qty).toBe(1);
  });

  it('a large order sweeps several levels best price first, each at its own price', () => {
    const h = harness();
    const a = h.limit('ASK', 101, 2);
    const b = h.limit('ASK', 102, 3);
    const c = h.limit('ASK', 103, 4);
    const t = h.market('BID', 7);
    expect(h.takeFills()).toEqual([
      [t.orderId, a.orderId, 101, 2],
      [t.orderId, b.orderId, 102, 3],
      [t.orderId, c.orderId, 103, 2],
    ]);
    expect(h.book.depth(5).asks).toEqual([{ price: 103, qty: 2, orders: 1 }]);
  });

  it('a market order on an empty book drops its whole quantity', () => {
    const h = harness();
    h.limit('BID', 99, 5);
    const t = h.market('BID', 8);
    expect(t).toMatchObject({ status: 'ACCEPTED', filled: 0, rested: 0, dropped: 8 });
    expect(h.takeFills()).toEqual([]);
    expect(h.book.size).toBe(1);
  });

  it('a market order larger than the book fills what exists and drops the remainder', () => {
    const h = harness();
    h.limit('ASK', 101, 2);
    h.limit('ASK', 102, 3);
    const t = h.market('BID', 10);
    expect(t).toMatchObject({ filled: 5, rested: 0, dropped: 5 });
    expect(h.book.bestAsk()).toBeNull();
    expect(h.book.bestBid()).toBeNull();
    expect(h.engine.lastFilled + h.engine.lastRested + h.engine.lastDropped).toBe(10);
  });

  it('cancelling a resting order removes it and its level', () => {
    const h = harness();
    const a = h.limit('BID', 99, 5);
    h.limit('BID', 98, 5);
    expect(h.cancel(a.orderId)).toMatchObject({ status: 'ACCEPTED', cancelled: 5 });
    expect(h.book.bestBid()).toBe(98);
    expect(h.book.size).toBe(1);
    expect(h.book.depth(5).bids).toEqual([{ price: 98, qty: 5, orders: 1 }]);
  });

  it('cancelling a partially filled order removes only what remains', () => {
    const h = harness();
    const a = h.limit('ASK', 101, 10);
    h.market('BID', 4);
    expect(h.engine.processCancel(a.orderId)).toBe(6);
    expect(h.book.size).toBe(0);
    expect(h.book.totalQty('ASK')).toBe(0);
  });

  it('cancelling an order in the middle of a level keeps the others in time order', () => {
    const h = harness();
    const a = h.limit('ASK', 101, 1);
    const b = h.limit('ASK', 101, 1);
    const c = h.limit('ASK', 101, 1);
    h.cancel(b.orderId);
    const t = h.market('BID', 2);
    expect(h.takeFills()).toEqual([
      [t.orderId, a.orderId, 101, 1],
      [t.orderId, c.orderId, 101, 1],
    ]);
  });

  it('cancelling an unknown or already filled id is a no-op', () => {
    const h = harness();
    const a = h.limit('ASK', 101, 2);
    h.limit('BID', 99, 2);
    h.market('BID', 2);
    const before = h.book.depth(10);
    expect(h.cancel(a.orderId)).toMatchObject({ status: 'ACCEPTED', cancelled: 0 });
    expect(h.cancel(123_456)).toMatchObject({ status: 'ACCEPTED', cancelled: 0 });
    expect(h.engine.processCancel(-1)).toBe(0);
    expect(h.engine.processCancel(Number.NaN)).toBe(0);
    expect(h.book.depth(10)).toEqual(before);
  });

  it('processCancel with an owner removes only that owner’s order', () => {
    const h = harness();
    const a = h.limit('ASK', 101, 2, 3);
    expect(h.engine.processCancel(a.orderId, 4)).toBe(0);
    expect(h.book.size).toBe(1);
    expect(h.engine.processCancel(a.orderId, 3)).toBe(2);
    expect(h.book.size).toBe(0);
  });

  it('an owner may trade against its own resting order (self-trade allowed)', () => {
    const h = harness();
    const maker = h.limit('ASK', 101, 5, 9);
    const taker = h.limit('BID', 101, 5, 9);
    expect(h.takeFills()).toEqual([[taker.orderId, maker.orderId, 101, 5]]);
    expect(h.engine.fills.count).toBe(0);
  });

  it('fills record both owners and the taker side', () => {
    const h = harness();
    const maker = h.limit('BID', 99, 5, 2);
    const taker = h.market('ASK', 3, 7);
    expect(h.engine.fills.get(0)).toEqual({
      takerOrderId: taker.orderId,
      makerOrderId: maker.orderId,
      takerOwner: 7,
      makerOwner: 2,
      priceTicks: 9900,
      qty: 3,
      takerSide: 'ASK',
    });
    expect(h.engine.lastFillStart).toBe(0);
  });

  it('order ids beyond 32 bits are matched and cancelled like any other', () => {
    const h = harness();
    const big = 2 ** 40 + 7;
    h.engine.submit({ orderId: big, owner: 0, side: 'ASK', type: 'LIMIT', price: 101, qty: 4, tick: 0 });
    h.engine.submit({ orderId: big + 2 ** 32, owner: 0, side: 'ASK', type: 'LIMIT', price: 101, qty: 4, tick: 0 });
    expect(h.book.getOrder(big)?.qty).toBe(4);
    expect(h.engine.processCancel(big)).toBe(4);
    expect(h.book.getOrder(big + 2 ** 32)?.qty).toBe(4);
    expect(h.book.auditInvariants()).toEqual([]);
  });

  it('an id counts as a duplicate only while an order with it rests, whatever the id order', () => {
    const h = harness();
    const sub = (orderId: number, price: number) =>
      h.engine.submit({ orderId, owner: 0, side: 'ASK', type: 'LIMIT', price, qty: 1, tick: 0 }).status;
    expect(sub(10, 101)).toBe('ACCEPTED');
    expect(sub(5, 102)).toBe('ACCEPTED'); // lower than the newest id, not resting: fine
    expect(sub(5, 103)).toBe('REJECTED'); // resting: duplicate
    expect(sub(10, 103)).toBe('REJECTED');
    h.market('BID', 1); // fills id 10
    expect(sub(10, 104)).toBe('ACCEPTED'); // no longer resting: reusable
  });
});
