import { describe, expect, it } from 'vitest';
import { OrderBook } from '../../src/book/order-book.js';
import { harness } from './helpers.js';

describe('OrderBook queries', () => {
  it('an empty book reports null best bid, best ask, mid and spread', () => {
    const book = new OrderBook();
    expect(book.bestBid()).toBeNull();
    expect(book.bestAsk()).toBeNull();
    expect(book.mid()).toBeNull();
    expect(book.spread()).toBeNull();
    expect(book.size).toBe(0);
    expect(book.depth(10)).toEqual({ bids: [], asks: [], bestBid: null, bestAsk: null, mid: null, spread: null });
  });

  it('best bid is the highest bid and best ask the lowest ask', () => {
    const h = harness();
    h.limit('BID', 99.5, 1);
    h.limit('BID', 99.9, 1);
    h.limit('BID', 99.7, 1);
    h.limit('ASK', 100.4, 1);
    h.limit('ASK', 100.1, 1);
    h.limit('ASK', 100.3, 1);
    expect(h.book.bestBid()).toBe(99.9);
    expect(h.book.bestAsk()).toBe(100.1);
  });

  it('mid and spread are null while one side is empty', () => {
    const h = harness();
    h.limit('BID', 99, 1);
    expect(h.book.mid()).toBeNull();
    expect(h.book.spread()).toBeNull();
    expect(h.book.bestBid()).toBe(99);
  });

  it('mid is the average of the touch and spread their difference, printed on the grid', () => {
    const h = harness({ tickSize: 0.0001 });
    h.limit('BID', 100.0001, 1);
    h.limit('ASK', 100.0004, 1);
    expect(h.book.mid()).toBe(100.00025);
    expect(h.book.spread()).toBe(0.0003);
  });

  it('depth aggregates orders of one price into one level with total qty and order count', () => {
    const h = harness();
    h.limit('BID', 99, 3);
    h.limit('BID', 99, 4);
    h.limit('BID', 98, 5);
    h.limit('ASK', 101, 2);
    h.limit('ASK', 101, 2);
    h.limit('ASK', 101, 6);
    expect(h.book.depth(10)).toEqual({
      bids: [
        { price: 99, qty: 7, orders: 2 },
        { price: 98, qty: 5, orders: 1 },
      ],
      asks: [{ price: 101, qty: 10, orders: 3 }],
      bestBid: 99,
      bestAsk: 101,
      mid: 100,
      spread: 2,
    });
  });

  it('depth lists bids high to low and asks low to high, at most N levels per side', () => {
    const h = harness();
    for (const p of [97, 99, 95, 98, 96]) h.limit('BID', p, 1);
    for (const p of [103, 101, 105, 102, 104]) h.limit('ASK', p, 1);
    const d = h.book.depth(3);
    expect(d.bids.map((l) => l.price)).toEqual([99, 98, 97]);
    expect(d.asks.map((l) => l.price)).toEqual([101, 102, 103]);
    expect(h.book.depth(0).bids).toEqual([]);
    expect(h.book.depth(Number.POSITIVE_INFINITY).asks).toHaveLength(5);
    expect(h.book.depth(Number.NaN).asks).toEqual([]);
  });

  it('size counts live resting orders only', () => {
    const h = harness();
    const a = h.limit('BID', 99, 5);
    h.limit('BID', 98, 5);
    h.limit('ASK', 101, 5);
    expect(h.book.size).toBe(3);
    h.market('ASK', 5); // fills the 99 bid completely
    expect(h.book.size).toBe(2);
    expect(h.book.getOrder(a.orderId)).toBeNull();
    h.limit('ASK', 102, 1);
    expect(h.book.size).toBe(3);
  });

  it('getOrder reports a resting order with its remaining qty, and null once gone', () => {
    const h = harness();
    const o = h.engine.submit({ orderId: 42, owner: 7, side: 'ASK', type: 'LIMIT', price: 101.25, qty: 10, tick: 3 });
    expect(o.status).toBe('ACCEPTED');
    h.market('BID', 4);
    expect(h.book.getOrder(42)).toEqual({ orderId: 42, owner: 7, side: 'ASK', price: 101.25, qty: 6, tick: 3 });
    h.cancel(42);
    expect(h.book.getOrder(42)).toBeNull();
    expect(h.book.getOrder(43)).toBeNull();
  });

  it('totalQty sums all resting qty of a side', () => {
    const h = harness();
    h.limit('BID', 99, 3);
    h.limit('BID', 90, 4);
    h.limit('ASK', 101, 5);
    h.market('BID', 2);
    expect(h.book.totalQty('BID')).toBe(7);
    expect(h.book.totalQty('ASK')).toBe(3);
  });

  it('openOrders lists one owner’s resting orders oldest first', () => {
    const h = harness();
    const a = h.limit('BID', 99, 3, 1);
    h.limit('BID', 98, 4, 2);
    const c = h.limit('ASK', 101, 5, 1);
    h.market('BID', 2, 3);
    expect(h.book.openOrders(1)).toEqual([
      { orderId: a.orderId, side: 'BID', price: 99, qty: 3, tick: 0 },
      { orderId: c.orderId, side: 'ASK', price: 101, qty: 3, tick: 0 },
    ]);
    expect(h.book.ownerOrderCount(1)).toBe(2);
    expect(h.book.openOrders(3)).toEqual([]);
    expect(h.book.openOrders(999_999)).toEqual([]);
  });

  it('prices round to the nearest tick and are reported without float noise', () => {
    const h = harness({ tickSize: 0.0001 });
    h.limit('BID', 100.00004, 1); // rounds down to 100.0000
    h.limit('BID', 100.00006, 1); // rounds up to 100.0001
    h.limit('ASK', 100.1 + 0.2, 1); // 100.30000000000001 → 100.3
    expect(h.book.depth(5).bids).toEqual([
      { price: 100.0001, qty: 1, orders: 1 },
      { price: 100, qty: 1, orders: 1 },
    ]);
    expect(h.book.bestAsk()).toBe(100.3);
    expect(h.book.priceToTicks(100.0001)).toBe(1_000_001);
    expect(h.book.ticksToPrice(1_000_001)).toBe(100.0001);
  });

  it('the default tick size is 0.0001', () => {
    expect(new OrderBook().tickSize).toBe(0.0001);
  });

  it('a tick size that is not a positive finite number is refused at construction', () => {
    expect(() => new OrderBook({ tickSize: 0 })).toThrow(/tickSize must be a positive finite number/);
    expect(() => new OrderBook({ tickSize: Number.NaN })).toThrow(/tickSize/);
    expect(() => new OrderBook({ initialCapacity: 0 })).toThrow(/initialCapacity must be a positive integer/);
  });

  it('growing every pool past its initial capacity keeps the book consistent', () => {
    const h = harness({ tickSize: 0.01, initialCapacity: 1 });
    for (let i = 0; i < 3000; i++) {
      h.limit(i % 2 ? 'ASK' : 'BID', i % 2 ? 101 + (i % 600) / 2 : 99 - (i % 600) / 10, 1 + (i % 7), i % 50);
    }
    expect(h.book.size).toBe(3000);
    expect(h.book.levelCount('BID')).toBe(300);
    expect(h.book.auditInvariants()).toEqual([]);
    h.market('BID', 1_000_000);
    expect(h.book.totalQty('ASK')).toBe(0);
    expect(h.book.auditInvariants()).toEqual([]);
  });
});
