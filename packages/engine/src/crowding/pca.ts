/**
 * 2-D principal-component projection of the agents' factor vectors, for the factor-space plot.
 *
 * The covariance matrix is only 6×6, so it is diagonalised exactly with the cyclic Jacobi
 * eigenvalue method rather than approximated by power iteration: Jacobi is unconditionally stable
 * for symmetric matrices, needs no library, converges quadratically (a handful of sweeps at 6×6)
 * and yields all eigenpairs at once with orthonormal vectors. Each component's sign is fixed so
 * that its largest-magnitude loading is positive, which keeps the projection deterministic.
 */

export interface EigenResult {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Eigenvectors as rows (row k belongs to values[k]), each unit length. */
  vectors: Float64Array;
}

/** Eigen-decomposition of the symmetric n×n row-major matrix `a` (not modified). */
export function jacobiEigen(a: ArrayLike<number>, n: number, maxSweeps = 64): EigenResult {
  const m = Float64Array.from(a as ArrayLike<number>);
  if (m.length !== n * n) throw new RangeError(`jacobiEigen: expected ${n * n} entries for ${n}×${n}, got ${m.length}`);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! * m[p * n + q]!;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]!;
          const akq = m[k * n + q]!;
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]!;
          const aqk = m[q * n + k]!;
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j]! - m[i * n + i]! || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, row) => {
    values[row] = m[col * n + col]!;
    let big = 0;
    for (let k = 0; k < n; k++) if (Math.abs(v[k * n + col]!) > Math.abs(big)) big = v[k * n + col]!;
    const sign = big < 0 ? -1 : 1;
    for (let k = 0; k < n; k++) vectors[row * n + k] = sign * v[k * n + col]!;
  });
  return { values, vectors };
}

export interface Projection2D {
  /** Row-major count×2 coordinates. */
  coords: Float64Array;
  /** The two leading components (rows of length `dims`). */
  components: [number[], number[]];
  /** Share of total variance explained by each of the two components (0 when there is none). */
  explainedVarianceRatio: [number, number];
}

/** Projects `count` row-major vectors of length `dims` onto their first two principal components. */
export function pca2d(data: ArrayLike<number>, count: number, dims: number): Projection2D {
  const meanV = new Float64Array(dims);
  for (let i = 0; i < count; i++) for (let k = 0; k < dims; k++) meanV[k]! += data[i * dims + k]!;
  if (count > 0) for (let k = 0; k < dims; k++) meanV[k]! /= count;
  const cov = new Float64Array(dims * dims);
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < dims; a++) {
      const da = data[i * dims + a]! - meanV[a]!;
      for (let b = a; b < dims; b++) cov[a * dims + b]! += da * (data[i * dims + b]! - meanV[b]!);
    }
  }
  const denom = Math.max(count - 1, 1);
  for (let a = 0; a < dims; a++) {
    for (let b = a; b < dims; b++) {
      cov[a * dims + b]! /= denom;
      cov[b * dims + a] = cov[a * dims + b]!;
    }
  }
  const { values, vectors } = jacobiEigen(cov, dims);
  let total = 0;
  for (let k = 0; k < dims; k++) total += Math.max(values[k]!, 0);
  const pc = (r: number): number[] => Array.from(vectors.subarray(r * dims, (r + 1) * dims));
  const c1 = dims > 0 ? pc(0) : [];
  const c2 = dims > 1 ? pc(1) : [];
  const coords = new Float64Array(count * 2);
  for (let i = 0; i < count; i++) {
    let x = 0;
    let y = 0;
    for (let k = 0; k < dims; k++) {
      const d = data[i * dims + k]! - meanV[k]!;
      x += d * (c1[k] ?? 0);
      y += d * (c2[k] ?? 0);
    }
    coords[i * 2] = x;
    coords[i * 2 + 1] = y;
  }
  const ratio = (r: number): number => (total > 1e-300 ? Math.max(values[r] ?? 0, 0) / total : 0);
  return { coords, components: [c1, c2], explainedVarianceRatio: [ratio(0), ratio(1)] };
}
