import { describe, expect, it } from 'vitest';
import { RingList, RingSeries } from '../src/state/ring-series.js';

describe('RingSeries', () => {
  it('returns rows oldest first before it wraps', () => {
    const r = new RingSeries(2, 4);
    r.push(1, 10);
    r.push(2, 20);
    expect(r.columns().map((c) => [...c])).toEqual([[1, 2], [10, 20]]);
  });

  it('keeps only the newest `capacity` rows after wrapping', () => {
    const r = new RingSeries(1, 3);
    for (let i = 1; i <= 7; i++) r.push(i);
    expect([...(r.columns()[0] as Float64Array)]).toEqual([5, 6, 7]);
    expect(r.length).toBe(3);
    expect(r.last(0)).toBe(7);
    expect(r.get(0, 0)).toBe(5);
  });

  it('fills missing columns with NaN', () => {
    const r = new RingSeries(3, 2);
    r.push(1);
    expect(Number.isNaN(r.get(2, 0))).toBe(true);
  });

  it('rejects a zero capacity with a message naming it', () => {
    expect(() => new RingSeries(1, 0)).toThrow(/capacity must be a positive integer, got 0/);
  });
});

describe('RingList', () => {
  it('gives the newest items first, bounded', () => {
    const l = new RingList<number>(3);
    for (let i = 0; i < 5; i++) l.push(i);
    expect(l.newest()).toEqual([4, 3, 2]);
    expect(l.newest(2)).toEqual([4, 3]);
  });
});
