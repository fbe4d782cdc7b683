import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../src/book/id-index.js';

describe('IdIndex', () => {
  it('behaves like a Map under any sequence of inserts and deletes, across rehashes', () => {
    const key = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constantFrom(2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, 2 ** 40));
    const op = fc.record({ del: fc.boolean(), key });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const idx = new IdIndex(1);
        const map = new Map<number, number>();
        ops.forEach(({ del, key: k }, i) => {
          if (del) {
            expect(idx.delete(k)).toBe(map.get(k) ?? -1);
            map.delete(k);
          } else if (!map.has(k)) {
            idx.insert(k, i);
            map.set(k, i);
          }
          expect(idx.size).toBe(map.size);
        });
        for (const [k, v] of map) expect(idx.get(k)).toBe(v);
        expect(idx.get(123_456_789)).toBe(-1);
      }),
      { numRuns: 200 },
    );
  });

  it('clear forgets every id', () => {
    const idx = new IdIndex();
    idx.insert(5, 1);
    idx.clear();
    expect(idx.get(5)).toBe(-1);
    expect(idx.size).toBe(0);
  });
});
