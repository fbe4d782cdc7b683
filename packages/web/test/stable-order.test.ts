import { describe, expect, it } from 'vitest';
import { stableOrder, type Score } from '../src/state/stable-order.js';

const by = (m: Record<string, Score>) => (id: string) => m[id] ?? null;

describe('stableOrder (leaderboard)', () => {
  it('ranks a fresh list by score, nulls last, ties by id', () => {
    expect(stableOrder([], ['c', 'a', 'b', 'd'], by({ a: 1, b: 2, c: null, d: 2 }))).toEqual(['b', 'd', 'a', 'c']);
  });

  it('keeps the previous order for near-ties (no flicker)', () => {
    const prev = ['a', 'b'];
    // b edges ahead by less than epsilon: order stays
    expect(stableOrder(prev, ['a', 'b'], by({ a: 1.0, b: 1.01 }))).toEqual(['a', 'b']);
    // and flipping back and forth within epsilon over many updates never reorders
    let order = prev;
    for (let i = 0; i < 100; i++) order = stableOrder(order, ['a', 'b'], by({ a: 1 + (i % 2) * 0.01, b: 1 + ((i + 1) % 2) * 0.01 }));
    expect(order).toEqual(['a', 'b']);
  });

  it('lets a clear leader overtake', () => {
    expect(stableOrder(['a', 'b', 'c'], ['a', 'b', 'c'], by({ a: 1, b: 0.5, c: 3 }))).toEqual(['c', 'a', 'b']);
  });

  it('moves a score from null to a value above the nulls', () => {
    expect(stableOrder(['a', 'b'], ['a', 'b'], by({ a: null, b: -1 }))).toEqual(['b', 'a']);
  });

  it('drops gone agents and inserts newcomers at their rank', () => {
    expect(stableOrder(['a', 'b', 'c'], ['a', 'c', 'n'], by({ a: 3, c: 1, n: 2 }))).toEqual(['a', 'n', 'c']);
  });
});
