// PCA to a few dozen dimensions before t-SNE, as is standard practice (van der Maaten's bhtsne and
// scikit-learn's examples reduce to 50): the kNN search that feeds the affinities dominates at high d.
import { rowCount } from './neighbour-search.ts';
import { principalSubspace, subspaceProducts } from './neighbour-subspace.ts';
import { simdSubspaceProducts } from './subspace-products-simd.ts';

export interface PrincipalCoordinates {
  /** n x m row-major coordinates of the centred rows in the principal subspace. */
  coordinates: Float32Array;
  /** Columns kept: min(m, d). */
  m: number;
  /** Share of the total variance the m coordinates hold, in [0, 1] (1 when nothing was reduced; NaN with no variance). */
  capturedVariance: number;
}

/**
 * The rows of `data` (n x d row-major), centred, in an approximate top-m principal subspace found by
 * randomised subspace iteration (Halko et al. 2011). Distances between rows are those of PCA-m up to how
 * closely the subspace matches the exact one; `capturedVariance` says how much of the data it keeps.
 * With m >= d the data is only centred. Deterministic (fixed seed). `simd: false` keeps the products in JS
 * loops (the kernel's sums differ in the last bits).
 */
export function principalCoordinates(data: Float32Array, d: number, m: number, options: { simd?: boolean } = {}): PrincipalCoordinates {
  const n = rowCount(data, d, 'principalCoordinates');
  if (!Number.isInteger(m) || m < 1) {
    throw new RangeError(`principalCoordinates: m must be a whole number >= 1 (got ${m}). Typical values are 30 to 100.`);
  }
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) {
      mean[t] = mean[t]! + data[i * d + t]! / n;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) {
      total += (data[i * d + t]! - mean[t]!) ** 2;
    }
  }
  if (m >= d || n === 0) {
    return { coordinates: data.map((x, e) => x - mean[e % d]!), m: d, capturedVariance: 1 };
  }
  const products = ((options.simd ?? true) ? simdSubspaceProducts(data, n, d, m) : null) ?? subspaceProducts(data, n, d);
  const basis = principalSubspace(data, n, d, m, products);
  const scores = new Float64Array(n * m);
  products.scores(basis, m, scores);
  let captured = 0;
  const coordinates = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < m; c++) {
      const v = scores[i * m + c]!;
      coordinates[i * m + c] = v;
      captured += v * v;
    }
  }
  return { coordinates, m, capturedVariance: total > 0 ? Math.min(1, captured / total) : Number.NaN };
}
