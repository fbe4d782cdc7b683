import { describe, expect, it } from 'vitest';
import { FillBuffer } from '../../src/book/fill-buffer.js';

describe('FillBuffer', () => {
  it('growing past its capacity keeps every row', () => {
    const f = new FillBuffer(1);
    for (let i = 0; i < 100; i++) f.push(i, 1000 + i, i % 3, i % 5, 500 + i, i + 1, i % 2);
    expect(f.count).toBe(100);
    expect(f.capacity).toBeGreaterThanOrEqual(100);
    expect(f.get(0)).toEqual({ takerOrderId: 0, makerOrderId: 1000, takerOwner: 0, makerOwner: 0, priceTicks: 500, qty: 1, takerSide: 'BID' });
    expect(f.get(99)).toEqual({ takerOrderId: 99, makerOrderId: 1099, takerOwner: 0, makerOwner: 4, priceTicks: 599, qty: 100, takerSide: 'ASK' });
  });

  it('clear empties the buffer and keeps its capacity', () => {
    const f = new FillBuffer(4);
    for (let i = 0; i < 10; i++) f.push(i, i, 0, 0, 1, 1, 0);
    const cap = f.capacity;
    f.clear();
    expect(f.count).toBe(0);
    expect(f.capacity).toBe(cap);
    expect(() => f.get(0)).toThrow(/fill index must be an integer in \[0, 0\)/);
  });
});
