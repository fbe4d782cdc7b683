import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PriceLadder } from '../../src/book/price-ladder.js';

describe('PriceLadder', () => {
  it('keeps its keys sorted with their level slots under any inserts and removals', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 300 }), (keys) => {
        const ladder = new PriceLadder(1);
        const ref = new Map<number, number>();
        keys.forEach((k, i) => {
          if (ref.has(k)) {
            ladder.remove(k);
            ref.delete(k);
          } else {
            ladder.insertAt(ladder.lowerBound(k), k, i);
            ref.set(k, i);
          }
        });
        const sorted = [...ref.keys()].sort((a, b) => a - b);
        expect([...ladder.keys.subarray(0, ladder.n)]).toEqual(sorted);
        expect([...ladder.levels.subarray(0, ladder.n)]).toEqual(sorted.map((k) => ref.get(k)));
      }),
      { numRuns: 200 },
    );
  });
});
