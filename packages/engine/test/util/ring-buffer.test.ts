import { describe, expect, it } from 'vitest';
import { Float64Ring, RingBuffer } from '../../src/util/ring-buffer.js';

describe('RingBuffer', () => {
  it('evicts the oldest item once full and returns it', () => {
    const r = new RingBuffer<string>(2);
    expect(r.push('a')).toBeUndefined();
    r.push('b');
    expect(r.push('c')).toBe('a');
    expect(r.toArray()).toEqual(['b', 'c']);
  });

  it('returns the newest n items oldest first', () => {
    const r = new RingBuffer<number>(5);
    for (let i = 1; i <= 7; i++) r.push(i);
    expect(r.tail(3)).toEqual([5, 6, 7]);
    expect(r.at(0)).toBe(3);
    expect(r.last()).toBe(7);
  });

  it('refuses a non-positive capacity', () => {
    expect(() => new RingBuffer(0)).toThrow(/positive integer/);
  });
});

describe('Float64Ring', () => {
  it('keeps the newest values within capacity', () => {
    const r = new Float64Ring(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.length).toBe(3);
    expect(r.tail(10)).toEqual([3, 4, 5]);
    expect(Array.from(r.toArray(2))).toEqual([4, 5]);
  });

  it('reports the evicted value, NaN before it is full', () => {
    const r = new Float64Ring(1);
    expect(r.push(1)).toBeNaN();
    expect(r.push(2)).toBe(1);
  });
});
