import { describe, expect, it } from 'vitest';
import { pca2, spectralOrder } from '../src/lib/linear-algebra.js';

describe('pca2', () => {
  it('puts the dominant direction on PC1', () => {
    const rows = [[-2, 0.1], [-1, -0.1], [0, 0.05], [1, -0.05], [2, 0]];
    const { coords, explained } = pca2(rows);
    expect(explained[0]).toBeGreaterThan(0.99);
    const xs = coords.map((c) => Math.abs(c[0]));
    expect(xs[0]).toBeCloseTo(2, 1);
    expect(xs[4]).toBeCloseTo(2, 1);
  });
  it('handles no rows', () => {
    expect(pca2([])).toEqual({ coords: [], explained: [0, 0] });
  });
});

describe('spectralOrder', () => {
  it('places the members of each similarity block next to each other', () => {
    // two blocks interleaved by index: {0,2,4} and {1,3,5}
    const n = 6;
    const m = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : i % 2 === j % 2 ? 0.9 : -0.8)));
    const order = spectralOrder(m);
    const groups = order.map((i) => i % 2);
    const switches = groups.slice(1).filter((g, k) => g !== groups[k]).length;
    expect(switches).toBe(1);
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
  it('is deterministic', () => {
    const m = [[1, 0.2, 0.1], [0.2, 1, 0.3], [0.1, 0.3, 1]];
    expect(spectralOrder(m)).toEqual(spectralOrder(m));
  });
});
