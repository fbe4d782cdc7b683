/**
 * The holding-period factor is evaluated as the integral of |position since the window start|
 * (one pass, no lot queue). Here it is pinned, bit for bit, against FIFO lot matching done the
 * long way — a queue of lots per agent, opened at the window start from flat — on random fills
 * with whole quantities, as the book makes them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FACTOR_COUNT, FactorSpace, type ObservedFill } from '../../src/crowding/factor-space.js';

const AGENTS = 4;

/** Mean lot age / W of one agent's fills (tick, signed qty) in the window, FIFO from flat. */
function fifoHoldingFactor(fills: { tick: number; q: number }[], now: number, W: number): number {
  const lots: { tick: number; q: number }[] = []; // all one sign
  let ageQty = 0;
  let held = 0;
  for (const f of fills) {
    let rest = f.q;
    while (rest !== 0 && lots.length > 0 && lots[0]!.q > 0 !== rest > 0) {
      const lot = lots[0]!;
      const m = Math.min(Math.abs(lot.q), Math.abs(rest));
      ageQty += m * (f.tick - lot.tick);
      held += m;
      lot.q = lot.q > 0 ? lot.q - m : lot.q + m;
      if (lot.q === 0) lots.shift();
      rest = rest > 0 ? rest - m : rest + m;
    }
    if (rest !== 0) lots.push({ tick: f.tick, q: rest });
  }
  for (const lot of lots) {
    ageQty += Math.abs(lot.q) * (now - lot.tick);
    held += Math.abs(lot.q);
  }
  return held > 1e-12 ? Math.min(Math.max(ageQty / held / W, 0), 1) : 0;
}

const fillArb = fc.record({
  buyer: fc.integer({ min: 0, max: AGENTS - 1 }),
  seller: fc.integer({ min: 0, max: AGENTS - 1 }),
  qty: fc.integer({ min: 1, max: 60 }),
});

describe('FactorSpace holding period', () => {
  it('equals FIFO lot matching inside the window, every tick, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 20 }),
        fc.array(fc.array(fillArb, { maxLength: 4 }), { minLength: 1, maxLength: 70 }),
        fc.integer({ min: 1, max: 3 }),
        (W, ticks, step) => {
          const fs = new FactorSpace({ window: W, scalePercentile: 90 });
          for (let i = 0; i < AGENTS; i++) fs.addAgent();
          const history: { tick: number; fills: ObservedFill[] }[] = [];
          ticks.forEach((raw, k) => {
            const tick = 1 + k * step; // consecutive or gapped ticks
            const fills: ObservedFill[] = raw.map((f) => ({ ...f, price: 100, aggressor: 'BID' }));
            history.push({ tick, fills });
            fs.observe(tick, [], fills, { bestBid: 99, bestAsk: 101 }, 0);
            fs.compute(tick);
            const window = history.slice(-W);
            for (let i = 0; i < AGENTS; i++) {
              const own: { tick: number; q: number }[] = [];
              for (const t of window) {
                for (const f of t.fills) {
                  if (f.buyer === i) own.push({ tick: t.tick, q: f.qty });
                  if (f.seller === i) own.push({ tick: t.tick, q: -f.qty });
                }
              }
              expect(fs.factors[i * FACTOR_COUNT + 1]).toBe(fifoHoldingFactor(own, tick, W));
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
