/**
 * Properties of the book under random order flow (fast-check, bounded runs). Each test drives
 * the same kind of random sequence of LIMIT / MARKET / CANCEL / malformed orders through the
 * engine and checks one rule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatchingEngine } from '../../src/book/matching-engine.js';
import { OrderBook } from '../../src/book/order-book.js';
import type { OrderType, Side } from '../../src/types.js';
import { ReferenceBook, type RefFill } from './reference-book.js';

const TICK = 0.01;
const RUNS = 150;

type Cmd =
  | { kind: 'LIMIT'; side: Side; px: number; qty: number; owner: number }
  | { kind: 'MARKET'; side: Side; qty: number; owner: number }
  | { kind: 'CANCEL'; pick: number }
  | { kind: 'BAD'; variant: number; pick: number };

const side = fc.constantFrom<Side>('BID', 'ASK');
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('LIMIT' as const),
      side,
      px: fc.integer({ min: 9_990, max: 10_010 }),
      qty: fc.integer({ min: 1, max: 20 }),
      owner: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('MARKET' as const),
      side,
      qty: fc.integer({ min: 1, max: 40 }),
      owner: fc.integer({ min: 0, max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('CANCEL' as const), pick: fc.nat(10_000) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('BAD' as const), variant: fc.nat(9), pick: fc.nat(10_000) }),
  },
);
const cmds = fc.array(cmd, { maxLength: 150 });

interface Trace {
  submitted: number;
  filledTwice: number;
  cancelled: number;
  dropped: number;
  fills: RefFill[];
  refFills: RefFill[];
  /** Per fill: the maker's resting price and the taker's limit (null for MARKET), in ticks. */
  fillChecks: { fillPx: number; makerPx: number; takerSide: Side; takerLimit: number | null }[];
  auditErrors: string[];
  rejectsThatMoved: number;
  book: OrderBook;
  ref: ReferenceBook;
}

/** Runs a command sequence through our engine and the reference book side by side. */
function drive(seq: Cmd[]): Trace {
  const book = new OrderBook({ tickSize: TICK, initialCapacity: 1 });
  const engine = new MatchingEngine(book, { fillCapacity: 1 });
  const ref = new ReferenceBook();
  const restedPx = new Map<number, number>();
  const t: Trace = {
    submitted: 0,
    filledTwice: 0,
    cancelled: 0,
    dropped: 0,
    fills: [],
    refFills: [],
    fillChecks: [],
    auditErrors: [],
    rejectsThatMoved: 0,
    book,
    ref,
  };
  let nextId = 1;
  const collect = (takerSide: Side, takerLimit: number | null) => {
    const f = engine.fills;
    for (let i = 0; i < f.count; i++) {
      const row: RefFill = [f.takerOrderId[i]!, f.makerOrderId[i]!, f.priceTicks[i]!, f.qty[i]!];
      t.fills.push(row);
      t.filledTwice += 2 * row[3];
      t.fillChecks.push({ fillPx: row[2], makerPx: restedPx.get(row[1]) ?? Number.NaN, takerSide, takerLimit });
    }
    f.clear();
  };
  for (const c of seq) {
    if (c.kind === 'LIMIT' || c.kind === 'MARKET') {
      const id = nextId++;
      const px = c.kind === 'LIMIT' ? c.px : 0;
      const r = engine.submit({
        orderId: id,
        owner: c.owner,
        side: c.side,
        type: c.kind,
        price: c.kind === 'LIMIT' ? px * TICK : null,
        qty: c.qty,
        tick: 0,
      });
      if (r.status !== 'ACCEPTED') throw new Error(`valid order rejected: ${r.reason}`);
      t.submitted += c.qty;
      t.dropped += r.dropped;
      collect(c.side, c.kind === 'LIMIT' ? px : null);
      if (r.rested > 0) restedPx.set(id, px);
      t.refFills.push(...ref.submit(id, c.owner, c.side, c.kind, px, c.qty).fills);
    } else if (c.kind === 'CANCEL') {
      const target = c.pick % (nextId + 2);
      const removed = engine.processCancel(target);
      if (removed !== ref.cancel(target)) t.auditErrors.push(`cancel ${target}: qty differs from reference`);
      t.cancelled += removed;
    } else {
      const before = JSON.stringify(book.depth(1_000));
      const live = ref.orders[c.pick % Math.max(1, ref.orders.length)];
      const base = { orderId: nextId++, owner: 0, side: 'BID' as Side, type: 'LIMIT' as OrderType, price: 100, qty: 1, tick: 0 };
      const bad = [
        { qty: 0 },
        { qty: -5 },
        { qty: 2.5 },
        { qty: Number.NaN },
        { price: Number.NaN },
        { price: -100 },
        { price: 0.001 },
        { side: 'SELL' as Side },
        { type: 'IOC' as OrderType },
        { orderId: live ? live.id : -1 },
      ][c.variant]!;
      const r = engine.submit({ ...base, ...bad });
      if (r.status !== 'REJECTED' || engine.fills.count !== 0 || JSON.stringify(book.depth(1_000)) !== before) {
        t.rejectsThatMoved++;
      }
    }
    t.auditErrors.push(...book.auditInvariants());
  }
  return t;
}

describe('book properties under random order flow', () => {
  it('the book is never crossed and stays internally consistent', () => {
    fc.assert(
      fc.property(cmds, (seq) => {
        expect(drive(seq).auditErrors).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('quantity is conserved: submitted = filled (both sides) + resting + cancelled + dropped', () => {
    fc.assert(
      fc.property(cmds, (seq) => {
        const t = drive(seq);
        const resting = t.book.totalQty('BID') + t.book.totalQty('ASK');
        expect(t.submitted).toBe(t.filledTwice + resting + t.cancelled + t.dropped);
      }),
      { numRuns: RUNS },
    );
  });

  it('every fill is at the resting order’s price, which is at least as good as the taker’s limit', () => {
    fc.assert(
      fc.property(cmds, (seq) => {
        for (const f of drive(seq).fillChecks) {
          expect(f.fillPx).toBe(f.makerPx);
          if (f.takerLimit !== null) {
            if (f.takerSide === 'BID') expect(f.fillPx).toBeLessThanOrEqual(f.takerLimit);
            else expect(f.fillPx).toBeGreaterThanOrEqual(f.takerLimit);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('fills and the final book match a plain-array price-time reference exactly', () => {
    fc.assert(
      fc.property(cmds, (seq) => {
        const t = drive(seq);
        expect(t.fills).toEqual(t.refFills);
        const d = t.book.depth(1_000);
        const ours = (levels: typeof d.bids) => levels.map((l) => [t.book.priceToTicks(l.price), l.qty, l.orders]);
        const want = t.ref.depth();
        expect({ bids: ours(d.bids), asks: ours(d.asks) }).toEqual(want);
        expect(t.book.size).toBe(t.ref.orders.length);
      }),
      { numRuns: RUNS },
    );
  });

  it('a rejected order changes neither the book nor the fills', () => {
    fc.assert(
      fc.property(cmds, (seq) => {
        expect(drive(seq).rejectsThatMoved).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });
});
