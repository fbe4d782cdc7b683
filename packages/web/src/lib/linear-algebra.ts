/**
 * Small dense eigen-solvers for the dashboard: 2-D PCA of the 6-factor vectors (factor-space
 * scatter) and spectral seriation of the similarity matrix (heatmap ordering). Power iteration
 * with deflation is plenty for 6×6 and for N ≤ a few hundred agents at a low refresh rate.
 */

/** Dominant eigenvector of symmetric `m` (n×n, row-major) orthogonal to `ortho` vectors. */
function powerIteration(m: Float64Array, n: number, ortho: Float64Array[], iters: number): Float64Array {
  let v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = 1 + ((i * 7919) % 13) / 13; // deterministic, non-degenerate start
  const w = new Float64Array(n);
  for (let it = 0; it < iters; it++) {
    for (const o of ortho) {
      let d = 0;
      for (let i = 0; i < n; i++) d += (v[i] as number) * (o[i] as number);
      for (let i = 0; i < n; i++) v[i] = (v[i] as number) - d * (o[i] as number);
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) s += (m[row + j] as number) * (v[j] as number);
      w[i] = s;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += (w[i] as number) ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-15) break;
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) next[i] = (w[i] as number) / norm;
    v = next;
  }
  // fix the sign so the result is stable between calls: largest-magnitude component positive
  let k = 0;
  for (let i = 1; i < n; i++) if (Math.abs(v[i] as number) > Math.abs(v[k] as number)) k = i;
  if ((v[k] as number) < 0) for (let i = 0; i < n; i++) v[i] = -(v[i] as number);
  return v;
}

/** Project row vectors onto their first two principal components. */
export function pca2(rows: readonly (readonly number[])[]): { coords: Array<[number, number]>; explained: [number, number] } {
  const n = rows.length;
  const d = rows.reduce((m, r) => Math.max(m, r.length), 0);
  if (n === 0 || d === 0) return { coords: [], explained: [0, 0] };
  const mean = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (r[j] ?? 0) / n;
  const cov = new Float64Array(d * d);
  for (const r of rows) {
    for (let a = 0; a < d; a++) {
      const xa = (r[a] ?? 0) - (mean[a] as number);
      for (let b = 0; b < d; b++) cov[a * d + b] = (cov[a * d + b] as number) + (xa * ((r[b] ?? 0) - (mean[b] as number))) / Math.max(1, n - 1);
    }
  }
  let trace = 0;
  for (let a = 0; a < d; a++) trace += cov[a * d + a] as number;
  const v1 = powerIteration(cov, d, [], 200);
  const v2 = d > 1 ? powerIteration(cov, d, [v1], 200) : new Float64Array(d);
  const rayleigh = (v: Float64Array) => {
    let s = 0;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s += (v[a] as number) * (cov[a * d + b] as number) * (v[b] as number);
    return s;
  };
  const coords = rows.map((r): [number, number] => {
    let x = 0;
    let y = 0;
    for (let j = 0; j < d; j++) {
      const c = (r[j] ?? 0) - (mean[j] as number);
      x += c * (v1[j] as number);
      y += c * (v2[j] as number);
    }
    return [x, y];
  });
  return { coords, explained: trace > 1e-15 ? [rayleigh(v1) / trace, rayleigh(v2) / trace] : [0, 0] };
}

/**
 * Order for an N×N similarity matrix (values in [-1,1]) that puts similar agents next to each
 * other: spectral seriation by the Fiedler vector of the graph Laplacian with weights (C+1)/2.
 * Ties (and the sign) are broken deterministically by id order.
 */
export function spectralOrder(matrix: readonly (readonly number[])[]): number[] {
  const n = matrix.length;
  if (n <= 2) return Array.from({ length: n }, (_, i) => i);
  const w = new Float64Array(n * n);
  const deg = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = matrix[i] ?? [];
    for (let j = 0; j < n; j++) {
      const x = i === j ? 0 : Math.max(0, Math.min(1, ((row[j] ?? 0) + 1) / 2));
      w[i * n + j] = x * x; // squared to sharpen cluster boundaries
      deg[i] = (deg[i] as number) + x * x;
    }
  }
  let maxDeg = 0;
  for (let i = 0; i < n; i++) maxDeg = Math.max(maxDeg, deg[i] as number);
  // largest eigenvectors of (c·I − L) = smallest of L; the constant vector is the trivial one
  const c = 2 * maxDeg + 1e-9;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m[i * n + j] = (i === j ? c - (deg[i] as number) : 0) + (w[i * n + j] as number);
  }
  const ones = new Float64Array(n).fill(1 / Math.sqrt(n));
  const fiedler = powerIteration(m, n, [ones], 120);
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => (fiedler[a] as number) - (fiedler[b] as number) || a - b);
}
