/** Order-book depth as sent on the wire (/market/book, TICK.order_book). */
import { Type, type Static } from '@sinclair/typebox';
import { Int, Nullable, Num, Obj } from './kit.js';

/**
 * One aggregated price level: `[price, qty, orders]`. The original API sends `[price, qty]`;
 * `orders` (resting orders at that price) is additive, so `level[0]`/`level[1]` read the same.
 */
export const BookLevelWire = Type.Tuple([Num('price'), Num('total resting quantity'), Int('resting orders at this price')], {
  description: '[price, qty, orders]',
});
export type BookLevelWire = Static<typeof BookLevelWire>;

export const OrderBookWire = Obj({
  bids: Type.Array(BookLevelWire, { description: 'best (highest) first' }),
  asks: Type.Array(BookLevelWire, { description: 'best (lowest) first' }),
  best_bid: Nullable(Num(), 'null when the bid side is empty'),
  best_ask: Nullable(Num(), 'null when the ask side is empty'),
  mid_price: Nullable(Num(), 'null when a side is empty'),
  spread: Nullable(Num(), 'null when a side is empty'),
});
export type OrderBookWire = Static<typeof OrderBookWire>;

/** GET /market/book */
export const BookResponse = Obj({ tick: Int(), ...OrderBookWire.properties });
export type BookResponse = Static<typeof BookResponse>;
