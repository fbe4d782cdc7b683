import { describe, expect, it } from 'vitest';
import { CrowdingMatrix, type CrowdingMatrixOptions } from '../../src/crowding/crowding-matrix.js';
import { Rng } from '../../src/rng.js';

const BASE: CrowdingMatrixOptions = {
  phiNormalization: 'seed',
  kappa: 18,
  agentMultiplierMin: 0.2,
  agentMultiplierMax: 6,
  topPairs: 5,
};

function vectors(...rows: number[][]): Float64Array {
  return Float64Array.from(rows.flat());
}

const A = [1, 0, 0, 0, 0, 0];
const C = [-1, 0, 0, 0, 0, 0];

function run(opts: Partial<CrowdingMatrixOptions>, rows: number[][], w: number[]): CrowdingMatrix {
  const m = new CrowdingMatrix({ ...BASE, ...opts });
  m.compute(vectors(...rows), Float64Array.from(w), rows.length);
  return m;
}

describe('CrowdingMatrix', () => {
  it('weighted_mean Phi reproduces the docs/MODEL.md §4 example (0.5, 5/7, -1)', () => {
    const m = run({ phiNormalization: 'weighted_mean' }, [A, A, C], [0.6, 0.3, 0.1]);
    expect(m.phi[0]).toBeCloseTo(0.5, 12);
    expect(m.phi[1]).toBeCloseTo(5 / 7, 12);
    expect(m.phi[2]).toBeCloseTo(-1, 12);
  });

  it('seed Phi is (1/(N-1)) * sum_{j!=i} C_ij w_j', () => {
    // a: (1*0.3 + -1*0.1)/2 = 0.1; b: (0.6 - 0.1)/2 = 0.25; c: (-0.6 - 0.3)/2 = -0.45
    const m = run({}, [A, A, C], [0.6, 0.3, 0.1]);
    expect(m.phi[0]).toBeCloseTo(0.1, 12);
    expect(m.phi[1]).toBeCloseTo(0.25, 12);
    expect(m.phi[2]).toBeCloseTo(-0.45, 12);
  });

  it('seed Phi uses the cosine, not the raw dot product', () => {
    // a=(3,4,0..), b=(4,3,0..): cos = 24/25; w=(0.5,0.5): Phi_a = Phi_b = 0.96*0.5/1
    const m = run({}, [[3, 4, 0, 0, 0, 0], [4, 3, 0, 0, 0, 0]], [0.5, 0.5]);
    expect(m.similarity(0, 1)).toBeCloseTo(0.96, 12);
    expect(m.phi[0]).toBeCloseTo(0.48, 12);
    expect(m.phi[1]).toBeCloseTo(0.48, 12);
  });

  it('aggregate intensity is the w_i*w_j-weighted mean of the upper triangle', () => {
    // pairs: ab C=1 w=.18, ac C=-1 w=.06, bc C=-1 w=.03 → (.18-.06-.03)/.27 = 1/3
    const m = run({}, [A, A, C], [0.6, 0.3, 0.1]);
    expect(m.intensity).toBeCloseTo(1 / 3, 12);
  });

  it('the diagonal is 1 even for a zero vector, whose off-diagonal similarities are 0', () => {
    const m = run({}, [A, [0, 0, 0, 0, 0, 0], [0.2, 0.4, 0, 0, 0.1, 0]], [0.3, 0.3, 0.4]);
    for (let i = 0; i < 3; i++) expect(m.similarity(i, i)).toBe(1);
    expect(m.similarity(0, 1)).toBe(0);
    expect(m.similarity(1, 2)).toBe(0);
  });

  it('the matrix is symmetric and clipped to [-1, 1]', () => {
    const rows = [
      [0.3, 0.1, -0.7, 0.2, 0.9, 0.4],
      [0.3 * 1e8, 0.1 * 1e8, -0.7 * 1e8, 0.2 * 1e8, 0.9 * 1e8, 0.4 * 1e8],
      [-0.3, -0.1, 0.7, -0.2, -0.9, -0.4],
    ];
    const m = run({}, rows, [0.2, 0.3, 0.5]);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        expect(m.similarity(i, j)).toBe(m.similarity(j, i));
        expect(Math.abs(m.similarity(i, j))).toBeLessThanOrEqual(1);
      }
    }
    expect(m.similarity(0, 2)).toBeCloseTo(-1, 12);
  });

  it('activity weighting raises intensity when the similar pair trades more', () => {
    const quiet = run({}, [A, A, C], [0.2, 0.2, 0.6]).intensity;
    const busy = run({}, [A, A, C], [0.45, 0.45, 0.1]).intensity;
    expect(busy).toBeGreaterThan(quiet);
  });

  it('agent multipliers are clip(1 + kappa*Phi, 0.2, 6)', () => {
    const m = run({ phiNormalization: 'weighted_mean' }, [A, A, C], [0.6, 0.3, 0.1]);
    expect(m.multipliers[0]).toBe(6); // 1 + 18*0.5 = 10 → 6
    expect(m.multipliers[2]).toBe(0.2); // 1 - 18 → 0.2
    const small = run({ kappa: 2 }, [A, A, C], [0.6, 0.3, 0.1]);
    expect(small.multipliers[0]).toBeCloseTo(1.2, 12); // 1 + 2*0.1
  });

  it('top pairs are the most similar off-diagonal pairs, best first', () => {
    const m = run({ topPairs: 2 }, [A, [0.9, 0.1, 0, 0, 0, 0], C, [1, 0, 0, 0, 0, 0]], [0.25, 0.25, 0.25, 0.25]);
    expect(m.topPairs.map((p) => [p.a, p.b])).toEqual([
      [0, 3],
      [0, 1],
    ]);
    expect(m.topPairs[0]!.similarity).toBeCloseTo(1, 12);
  });

  it('a single agent has Phi 0 and intensity 0', () => {
    const m = run({}, [A], [1]);
    expect(m.phi[0]).toBe(0);
    expect(m.intensity).toBe(0);
  });

  it('the O(N) Phi and intensity equal their pairwise definitions over the full matrix', () => {
    const rng = new Rng(21);
    const n = 150; // spans several 64-wide tiles
    const rows = Array.from({ length: n }, (_, i) =>
      i % 17 === 0 ? [0, 0, 0, 0, 0, 0] : Array.from({ length: 6 }, () => rng.uniform(-1, 1)),
    );
    const raw = rows.map(() => rng.next());
    const total = raw.reduce((a, b) => a + b);
    const w = raw.map((x) => x / total);
    for (const phiNormalization of ['seed', 'weighted_mean'] as const) {
      const m = run({ phiNormalization }, rows, w);
      const c = m.matrix;
      let num = 0;
      let den = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        let ws = 0;
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          s += c[i * n + j]! * w[j]!;
          ws += w[j]!;
          if (j > i) {
            num += w[i]! * w[j]! * c[i * n + j]!;
            den += w[i]! * w[j]!;
          }
        }
        expect(m.phi[i]).toBeCloseTo(phiNormalization === 'seed' ? s / (n - 1) : s / ws, 12);
        expect(c[i * n + i]).toBe(1);
      }
      expect(m.intensity).toBeCloseTo(num / den, 12);
    }
  });

  it('the matrix from the tiled pass matches similarity(i, j) and is symmetric', () => {
    const rng = new Rng(22);
    const n = 70;
    const rows = Array.from({ length: n }, () => Array.from({ length: 6 }, () => rng.uniform(-1, 1)));
    const m = run({}, rows, rows.map(() => 1 / n));
    const c = m.matrix;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        expect(c[i * n + j]).toBe(c[j * n + i]);
        expect(c[i * n + j]).toBeCloseTo(m.similarity(i, j), 14);
      }
    }
  });

  it('top pairs across tiles: ties are ordered by agent indices', () => {
    const n = 130;
    const rows = Array.from({ length: n }, (_, i) => (i === 3 || i === 100 || i === 129 ? A : [0, 0, 0, 0, 0, 0]));
    const m = run({ topPairs: 3 }, rows, rows.map(() => 1 / n));
    expect(m.topPairs.map((p) => [p.a, p.b])).toEqual([
      [3, 100],
      [3, 129],
      [100, 129],
    ]);
  });
});

describe('Phi under a duplicated population (every agent twice, identical behaviour)', () => {
  // A 3:3:2-style mix: two crowded trend followers, a contrarian, and an unrelated maker.
  const rows = [
    [0.8, 0.1, 0.2, 0.5, 0.3, 0.1],
    [0.7, 0.2, 0.2, 0.4, 0.3, 0.1],
    [-0.6, 0.1, 0.3, 0.4, 0.2, 0.3],
    [0.0, 0.9, 0.1, 0.1, 0.8, 0.0],
  ];
  const w = [0.35, 0.3, 0.2, 0.15];
  // Duplicating halves every volume share (they still sum to 1).
  const twiceRows = [...rows, ...rows];
  const twiceW = [...w, ...w].map((x) => x / 2);

  /** S_i = sum_{j!=i} C_ij w_j of the original population. */
  const others = (m: CrowdingMatrix, i: number): number => {
    let s = 0;
    for (let j = 0; j < rows.length; j++) if (j !== i) s += m.similarity(i, j) * w[j]!;
    return s;
  };

  it('the weighted-mean Phi keeps its scale: it moves only by the twin\'s own (C = 1) term', () => {
    const once = run({ phiNormalization: 'weighted_mean' }, rows, w);
    const twice = run({ phiNormalization: 'weighted_mean' }, twiceRows, twiceW);
    for (let i = 0; i < rows.length; i++) {
      const S = others(once, i);
      expect(once.phi[i]).toBeCloseTo(S / (1 - w[i]!), 12);
      // the others now weigh half each, twice over, plus the twin (similarity 1, weight w_i/2)
      expect(twice.phi[i]).toBeCloseTo((S + w[i]! / 2) / (1 - w[i]! / 2), 12);
      expect(twice.phi[i + rows.length]).toBeCloseTo(twice.phi[i]!, 12);
    }
    const mean = (m: CrowdingMatrix, n: number) => Array.from(m.phi.subarray(0, n)).reduce((a, b) => a + b) / n;
    // same scale: the population-mean Phi changes by well under a factor of 2
    expect(mean(twice, 8) / mean(once, 4)).toBeGreaterThan(0.8);
    expect(mean(twice, 8) / mean(once, 4)).toBeLessThan(1.5);
  });

  it('the seed form shrinks: doubling N divides every Phi by about 2 ((N-1)/(2N-1) of the same sum)', () => {
    const once = run({ phiNormalization: 'seed' }, rows, w);
    const twice = run({ phiNormalization: 'seed' }, twiceRows, twiceW);
    const N = rows.length;
    for (let i = 0; i < N; i++) {
      const S = others(once, i);
      expect(once.phi[i]).toBeCloseTo(S / (N - 1), 12);
      expect(twice.phi[i]).toBeCloseTo((S + w[i]! / 2) / (2 * N - 1), 12);
    }
    const mean = (m: CrowdingMatrix, n: number) => Array.from(m.phi.subarray(0, n)).reduce((a, b) => a + b) / n;
    expect(mean(twice, 8) / mean(once, 4)).toBeLessThan(0.7);
  });

  it('with zero self-weight (a copy that does not trade) the weighted mean is exactly unchanged, the seed form is not', () => {
    // Copies of each agent with no volume: they change N, not the weights.
    const padded = [...rows, ...rows];
    const paddedW = [...w, 0, 0, 0, 0];
    const wm1 = run({ phiNormalization: 'weighted_mean' }, rows, w);
    const wm2 = run({ phiNormalization: 'weighted_mean' }, padded, paddedW);
    const sd1 = run({ phiNormalization: 'seed' }, rows, w);
    const sd2 = run({ phiNormalization: 'seed' }, padded, paddedW);
    for (let i = 0; i < rows.length; i++) {
      expect(wm2.phi[i]).toBeCloseTo(wm1.phi[i]!, 12);
      expect(sd2.phi[i]).toBeCloseTo((sd1.phi[i]! * (rows.length - 1)) / (padded.length - 1), 12);
    }
  });
});
