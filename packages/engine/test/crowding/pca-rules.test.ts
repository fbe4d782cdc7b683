import { describe, expect, it } from 'vitest';
import { jacobiEigen, pca2d } from '../../src/crowding/pca.js';

// The PCA of the factor-space plot on small exact cases: eigenvalues, orthonormal vectors with a
// fixed sign, the sample covariance, the projection and the explained-variance shares.

describe('jacobiEigen: exact eigenpairs', () => {
  it('orthonormal eigenvectors, eigenvalues descending, the largest loading of each positive', () => {
    // Eigenvalues 4, 2, 1 of a 3×3 with known vectors.
    const a = [3, -1, 0, -1, 3, 0, 0, 0, 1];
    const { values, vectors } = jacobiEigen(a, 3);
    expect(Array.from(values).map((v) => Math.round(v * 1e10) / 1e10)).toEqual([4, 2, 1]);
    const row = (k: number) => Array.from(vectors.subarray(k * 3, k * 3 + 3));
    // (1, −1, 0)/√2: the largest magnitude ties at index 0, kept positive.
    expect(row(0)[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(row(0)[1]).toBeCloseTo(-Math.SQRT1_2, 12);
    expect(row(1)[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(row(1)[1]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(row(2)[2]).toBeCloseTo(1, 12);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const dot = row(i).reduce((s, x, k) => s + x * row(j)[k]!, 0);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    // A v = λ v
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < 3; i++) {
        const av = [0, 1, 2].reduce((s, j) => s + a[i * 3 + j]! * row(k)[j]!, 0);
        expect(av).toBeCloseTo(values[k]! * row(k)[i]!, 12);
      }
    }
  });

  it('a vector whose largest loading is negative is flipped', () => {
    // [[1, 2], [2, 1]]: eigenvalues 3 (1, 1)/√2 and −1 (1, −1)/√2 up to sign.
    const { values, vectors } = jacobiEigen([1, 2, 2, 1], 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(-1, 12);
    const big = (k: number) => (Math.abs(vectors[k * 2]!) >= Math.abs(vectors[k * 2 + 1]!) ? vectors[k * 2]! : vectors[k * 2 + 1]!);
    expect(big(0)).toBeGreaterThan(0);
    expect(big(1)).toBeGreaterThan(0);
    // A diagonal matrix needs no rotation; equal eigenvalues keep the index order.
    const d = jacobiEigen([2, 0, 0, 5], 2);
    expect(Array.from(d.values)).toEqual([5, 2]);
    expect(Array.from(d.vectors)).toEqual([0, 1, 1, 0]);
    const same = jacobiEigen([1, 0, 0, 1], 2);
    expect(Array.from(same.vectors)).toEqual([1, 0, 0, 1]);
  });

  it('converges within a few sweeps and leaves its input alone; refuses a wrong size', () => {
    const a = Float64Array.from([4, 1, 2, 1, 3, 0.5, 2, 0.5, 1]);
    const copy = Float64Array.from(a);
    const full = jacobiEigen(a, 3);
    expect(Array.from(a)).toEqual(Array.from(copy));
    const one = jacobiEigen(a, 3, 1);
    // one sweep is not enough to diagonalise exactly
    expect(Math.abs(one.values[0]! - full.values[0]!)).toBeGreaterThan(1e-12);
    const trace = 8;
    expect(full.values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 12);
    expect(() => jacobiEigen([1, 2, 3], 2)).toThrow(/jacobiEigen: expected 4 entries for 2×2, got 3/);
  });
});

describe('pca2d', () => {
  it('the sample covariance (n − 1), projections about the mean and the two variance shares', () => {
    // Points on a plane in 3-D: x spread 2, y spread 1 (uncorrelated), z constant.
    const pts = [[3, 5, 7], [-1, 5, 7], [1, 6, 7], [1, 4, 7]];
    const p = pca2d(pts.flat(), 4, 3);
    // var(x) = (4 + 4 + 0 + 0) / 3, var(y) = 2 / 3: shares 0.8 and 0.2
    expect(p.explainedVarianceRatio[0]).toBeCloseTo(0.8, 12);
    expect(p.explainedVarianceRatio[1]).toBeCloseTo(0.2, 12);
    expect(p.components[0][0]).toBeCloseTo(1, 12);
    expect(p.components[1][1]).toBeCloseTo(1, 12);
    expect(Array.from(p.coords).map((v) => Math.round(v * 1e9) / 1e9 + 0)).toEqual([2, 0, -2, 0, 0, 1, 0, -1]);
  });

  it('one dimension: a single component and no second; no points or no variance: zero shares', () => {
    const one = pca2d([1, 2, 4], 3, 1);
    expect(one.components).toEqual([[1], []]);
    expect(one.explainedVarianceRatio).toEqual([1, 0]);
    expect(Array.from(one.coords).map((v) => Math.round(v * 1e9) / 1e9 + 0)).toEqual([-4 / 3, 0, -1 / 3, 0, 5 / 3, 0].map((v) => Math.round(v * 1e9) / 1e9));
    const none = pca2d([], 0, 2);
    expect(none.explainedVarianceRatio).toEqual([0, 0]);
    expect(none.coords).toHaveLength(0);
    const flat = pca2d([1, 1, 1, 1], 2, 2);
    expect(flat.explainedVarianceRatio).toEqual([0, 0]);
    expect(Array.from(flat.coords)).toEqual([0, 0, 0, 0]);
    // A single point: divided by max(n − 1, 1), still no variance.
    expect(pca2d([3, 4], 1, 2).explainedVarianceRatio).toEqual([0, 0]);
    expect(pca2d([], 0, 0).components).toEqual([[], []]);
  });
});
