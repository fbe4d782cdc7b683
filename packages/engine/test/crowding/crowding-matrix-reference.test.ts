import { describe, expect, it } from 'vitest';
import { CrowdingMatrix, nestedRows, similarityPass } from '../../src/crowding/crowding-matrix.js';
import { Rng } from '../../src/rng.js';

// C_ij, Phi (both normalizations), intensity, multipliers and the top pairs against their
// definitions (docs/MODEL.md §4) computed pair by pair, with many exact ties, zero vectors, zero
// weights and more agents than one tile.

function population(n: number, seed: number) {
  const rng = new Rng(seed);
  // five behaviours, copied: many identical vectors (ties), some opposite, some zero
  const patterns = [[1, 0, 1, 0, 0.5, 1], [0.2, 0.1, -1, 0.3, -0.8, 0.4], [0, 0, 0, 0, 0, 0], [-1, 0, -1, 0, -0.5, -1], [0.5, 0.9, 0.1, 0.4, 0.2, 0]];
  const factors = new Float64Array(n * 6);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = patterns[Math.floor(rng.next() * patterns.length)]!;
    const scale = 0.5 + Math.floor(rng.next() * 3);
    for (let k = 0; k < 6; k++) factors[i * 6 + k] = p[k]! * scale;
    weights[i] = rng.next() < 0.2 ? 0 : rng.next();
  }
  const total = weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) weights[i]! /= total;
  return { factors, weights };
}

function cosine(f: Float64Array, i: number, j: number): number {
  if (i === j) return 1;
  let d = 0;
  let a = 0;
  let b = 0;
  for (let k = 0; k < 6; k++) {
    d += f[i * 6 + k]! * f[j * 6 + k]!;
    a += f[i * 6 + k]! ** 2;
    b += f[j * 6 + k]! ** 2;
  }
  return a > 1e-24 && b > 1e-24 ? Math.min(1, Math.max(-1, d / Math.sqrt(a * b))) : 0;
}

describe('CrowdingMatrix against the pairwise definitions', () => {
  it('matrix, Phi (weighted mean and seed), intensity and multipliers of 70 agents (two tiles)', () => {
    const n = 70;
    const { factors, weights } = population(n, 4);
    for (const phiNormalization of ['weighted_mean', 'seed'] as const) {
      const m = new CrowdingMatrix({ phiNormalization, kappa: 3, agentMultiplierMin: 0.5, agentMultiplierMax: 2.5, topPairs: 7 });
      m.compute(factors, weights, n);
      expect(m.size).toBe(n);
      let num = 0;
      let den = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        let w = 0;
        for (let j = 0; j < n; j++) {
          expect(m.matrix[i * n + j]).toBeCloseTo(cosine(factors, i, j), 12);
          if (j === i) continue;
          s += cosine(factors, i, j) * weights[j]!;
          w += weights[j]!;
          if (j > i) {
            num += weights[i]! * weights[j]! * cosine(factors, i, j);
            den += weights[i]! * weights[j]!;
          }
        }
        const phi = phiNormalization === 'weighted_mean' ? (w > 1e-12 ? s / w : 0) : s / (n - 1);
        expect(m.phi[i], `${phiNormalization} phi ${i}`).toBeCloseTo(phi, 12);
        expect(m.multipliers[i]).toBeCloseTo(Math.min(2.5, Math.max(0.5, 1 + 3 * phi)), 12);
        expect(m.similarity(i, (i + 5) % n)).toBeCloseTo(cosine(factors, i, (i + 5) % n), 12);
      }
      expect(m.intensity).toBeCloseTo(num / den, 12);
      expect(m.toNested()).toEqual(nestedRows(m.matrix, n));
    }
  });

  it('top pairs: the K most similar off-diagonal pairs, similarity desc then indices asc, with ties across tiles', () => {
    const n = 70;
    const { factors, weights } = population(n, 9);
    const m = new CrowdingMatrix({ phiNormalization: 'weighted_mean', kappa: 1, agentMultiplierMin: 0, agentMultiplierMax: 9, topPairs: 0 });
    m.compute(factors, weights, n);
    const all: { a: number; b: number; similarity: number }[] = [];
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) all.push({ a, b, similarity: m.similarity(a, b) });
    all.sort((x, y) => y.similarity - x.similarity || x.a - y.a || x.b - y.b);
    for (const K of [0, 1, 5, 40, 3000]) {
      const top = similarityPass(m.unit, n, K, null);
      expect(top.length).toBe(Math.min(K, all.length));
      top.forEach((p, k) => {
        expect([p.a, p.b], `K ${K} rank ${k}`).toEqual([all[k]!.a, all[k]!.b]);
        expect(p.similarity).toBeCloseTo(all[k]!.similarity, 12);
      });
    }
    // from the lowest: the least similar pairs rank last
    const last = similarityPass(m.unit, n, all.length, null);
    expect(last[last.length - 1]!.similarity).toBeCloseTo(all[all.length - 1]!.similarity, 12);
    // the getter uses opts.topPairs; the matrix pass gives the same pairs
    const k7 = new CrowdingMatrix({ phiNormalization: 'weighted_mean', kappa: 1, agentMultiplierMin: 0, agentMultiplierMax: 9, topPairs: 7 });
    k7.compute(factors, weights, n);
    const lazy = k7.topPairs;
    expect(lazy.map((p) => [p.a, p.b])).toEqual(all.slice(0, 7).map((p) => [p.a, p.b]));
    void k7.matrix;
    expect(k7.topPairs.map((p) => [p.a, p.b])).toEqual(all.slice(0, 7).map((p) => [p.a, p.b]));
    const out = new Float64Array(n * n);
    similarityPass(m.unit, n, 3, out);
    expect(out[5 * n + 5]).toBe(1);
    expect(out[5 * n + 9]).toBeCloseTo(m.similarity(5, 9), 12);
    expect(out[9 * n + 5]).toBe(out[5 * n + 9]);
  });

  it('one agent, no weight elsewhere, zero vectors; recompute with fewer agents; refuses short inputs', () => {
    const m = new CrowdingMatrix({ phiNormalization: 'weighted_mean', kappa: 2, agentMultiplierMin: 0.5, agentMultiplierMax: 3, topPairs: 5 });
    m.compute(Float64Array.from([1, 0, 0, 0, 0, 0]), Float64Array.from([1]), 1);
    expect([m.phi[0], m.intensity, m.multipliers[0]]).toEqual([0, 0, 1]);
    expect(m.topPairs).toEqual([]);
    expect(m.toNested()).toEqual([[1]]);
    // agent 0 holds all the weight: the others' weighted mean over nobody is 0
    m.compute(Float64Array.from([1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), Float64Array.from([1, 0, 0]), 3);
    expect(m.phi[0]).toBe(0);
    expect(m.phi[1]).toBeCloseTo(1, 15);
    expect(m.phi[2]).toBe(0); // a zero vector is similar to nothing
    expect(m.similarity(2, 0)).toBe(0);
    expect(m.similarity(2, 2)).toBe(1);
    expect(m.intensity).toBe(0); // no pair has weight
    expect(m.toNested()).toEqual([[1, 1, 0], [1, 1, 0], [0, 0, 1]]);
    // the matrix is rebuilt after each compute
    m.compute(Float64Array.from([1, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0]), Float64Array.from([0.5, 0.5]), 2);
    expect(m.toNested()).toEqual([[1, -1], [-1, 1]]);
    expect(m.intensity).toBe(-1);
    expect(m.multipliers[0]).toBe(0.5);
    expect(() => m.compute(new Float64Array(11), new Float64Array(2), 2)).toThrow('CrowdingMatrix.compute: need 12 factor values and 2 weights');
    expect(() => m.compute(new Float64Array(12), new Float64Array(1), 2)).toThrow(/need 12 factor values and 2 weights/);
    // growing past its first capacity keeps working
    const big = population(20, 3);
    m.compute(big.factors, big.weights, 20);
    expect(m.phi.length).toBeGreaterThanOrEqual(20);
    expect(m.matrix.length).toBeGreaterThanOrEqual(400);
    const restored = new CrowdingMatrix(m.opts);
    restored.loadState(JSON.parse(JSON.stringify(m.saveState())));
    expect(restored.toNested()).toEqual(m.toNested());
    expect(restored.topPairs).toEqual(m.topPairs);
  });
});
