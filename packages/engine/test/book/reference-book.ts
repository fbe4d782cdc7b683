/**
 * A deliberately naive order book for the property tests: plain arrays, a full sort on every
 * order, no indexes. Obviously correct price-time priority is its only job.
 */
import type { Side } from '../../src/types.js';

export interface RefOrder {
  id: number;
  owner: number;
  side: Side;
  px: number;
  qty: number;
  seq: number;
}

/** [takerId, makerId, priceTicks, qty] */
export type RefFill = [number, number, number, number];

export class ReferenceBook {
  orders: RefOrder[] = [];
  private seq = 0;

  submit(id: number, owner: number, side: Side, type: 'LIMIT' | 'MARKET', px: number, qty: number) {
    const crosses = (o: RefOrder) =>
      o.side !== side && (type === 'MARKET' || (side === 'BID' ? o.px <= px : o.px >= px));
    const queue = this.orders
      .filter(crosses)
      .sort((a, b) => (side === 'BID' ? a.px - b.px : b.px - a.px) || a.seq - b.seq);
    const fills: RefFill[] = [];
    let rem = qty;
    for (const o of queue) {
      if (rem === 0) break;
      const q = Math.min(rem, o.qty);
      fills.push([id, o.id, o.px, q]);
      o.qty -= q;
      rem -= q;
    }
    this.orders = this.orders.filter((o) => o.qty > 0);
    let rested = 0;
    let dropped = 0;
    if (type === 'LIMIT' && rem > 0) {
      this.orders.push({ id, owner, side, px, qty: rem, seq: this.seq++ });
      rested = rem;
    } else {
      dropped = rem;
    }
    return { fills, filled: qty - rem, rested, dropped };
  }

  cancel(id: number): number {
    const i = this.orders.findIndex((o) => o.id === id);
    if (i < 0) return 0;
    const [o] = this.orders.splice(i, 1);
    return o!.qty;
  }

  /** Levels as [priceTicks, qty, orders], bids high→low and asks low→high. */
  depth(): { bids: [number, number, number][]; asks: [number, number, number][] } {
    const agg = (side: Side) => {
      const m = new Map<number, [number, number, number]>();
      for (const o of this.orders.filter((x) => x.side === side)) {
        const l = m.get(o.px) ?? [o.px, 0, 0];
        l[1] += o.qty;
        l[2] += 1;
        m.set(o.px, l);
      }
      return [...m.values()].sort((a, b) => (side === 'BID' ? b[0] - a[0] : a[0] - b[0]));
    };
    return { bids: agg('BID'), asks: agg('ASK') };
  }
}
