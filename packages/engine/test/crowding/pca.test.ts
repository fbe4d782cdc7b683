import { describe, expect, it } from 'vitest';
import { jacobiEigen, pca2d } from '../../src/crowding/pca.js';
import { Rng } from '../../src/rng.js';

describe('jacobiEigen', () => {
  it('diagonalises [[2,1],[1,2]] into eigenvalues 3 and 1', () => {
    const { values, vectors } = jacobiEigen([2, 1, 1, 2], 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(vectors[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[1]).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it('satisfies A v = lambda v for a random symmetric 6x6', () => {
    const rng = new Rng(7);
    const n = 6;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const x = rng.normal();
        a[i * n + j] = x;
        a[j * n + i] = x;
      }
    }
    const { values, vectors } = jacobiEigen(a, n);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j]! * vectors[k * n + j]!;
        expect(av).toBeCloseTo(values[k]! * vectors[k * n + i]!, 9);
      }
    }
    for (let k = 1; k < n; k++) expect(values[k]!).toBeLessThanOrEqual(values[k - 1]!);
  });
});

describe('pca2d', () => {
  it('puts all variance of collinear points on the first component', () => {
    const data = [0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 4, 0, 0, 0, 0];
    const p = pca2d(data, 3, 6);
    expect(p.explainedVarianceRatio[0]).toBeCloseTo(1, 12);
    expect(p.coords[0]).toBeCloseTo(-Math.sqrt(5), 12);
    expect(p.coords[4]).toBeCloseTo(Math.sqrt(5), 12);
    expect(p.coords[1]).toBeCloseTo(0, 12);
  });
});
