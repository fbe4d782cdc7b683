/** Small builders shared by the book tests: a fresh engine and terse order submission. */
import { MatchingEngine } from '../../src/book/matching-engine.js';
import { OrderBook, type OrderBookOptions } from '../../src/book/order-book.js';
import type { OrderResult } from '../../src/book/order-result.js';
import type { Side } from '../../src/types.js';

export interface Harness {
  book: OrderBook;
  engine: MatchingEngine;
  limit(side: Side, price: number, qty: number, owner?: number): OrderResult & { orderId: number };
  market(side: Side, qty: number, owner?: number): OrderResult & { orderId: number };
  cancel(target: number): OrderResult;
  /** Fills recorded so far as [takerId, makerId, price, qty] rows, then clears the buffer. */
  takeFills(): [number, number, number, number][];
}

export function harness(opts: OrderBookOptions = { tickSize: 0.01 }): Harness {
  const book = new OrderBook(opts);
  const engine = new MatchingEngine(book);
  let nextId = 1;
  return {
    book,
    engine,
    limit(side, price, qty, owner = 0) {
      const orderId = nextId++;
      return { ...engine.submit({ orderId, owner, side, type: 'LIMIT', price, qty, tick: 0 }), orderId };
    },
    market(side, qty, owner = 0) {
      const orderId = nextId++;
      return { ...engine.submit({ orderId, owner, side, type: 'MARKET', qty, tick: 0 }), orderId };
    },
    cancel(target) {
      return engine.submit({ orderId: nextId++, owner: 0, side: 'BID', type: 'CANCEL', qty: 0, cancelTarget: target, tick: 0 });
    },
    takeFills() {
      const f = engine.fills;
      const rows: [number, number, number, number][] = [];
      for (let i = 0; i < f.count; i++) {
        rows.push([f.takerOrderId[i]!, f.makerOrderId[i]!, book.ticksToPrice(f.priceTicks[i]!), f.qty[i]!]);
      }
      f.clear();
      return rows;
    },
  };
}
