// A few leading principal directions of the data, found by randomised subspace iteration (Halko et al. 2011).
// The kNN search projects onto them to get a cheap lower bound on every distance, which rules out most pairs
// without touching their full d coordinates; the search stays exact because projection never lengthens a vector.
import { SeededRandom } from '../random/index.ts';

/** Power iterations: enough for the bound to catch the dominant (between-cluster) directions. */
const POWER_ITERATIONS = 2;

/** The two products of subspace iteration over the centred rows Xc = X - mean of one data matrix (n x d). */
export interface SubspaceProducts {
  /** out (n x m) = Xc · basis, basis d x m. */
  scores(basis: Float64Array, m: number, out: Float64Array): void;
  /** out (d x m) = Xcᵀ · scores, scores n x m. */
  transposed(scores: Float64Array, m: number, out: Float64Array): void;
}

/**
 * Orthonormal d x m basis (row-major, column c is direction c) approximating the top-m principal subspace
 * of `data` (n x d row-major). Deterministic: the random start uses a fixed seed. Requires m <= d.
 * `products` computes the iteration's matrix products (default: the JS loops below).
 */
export function principalSubspace(data: Float32Array, n: number, d: number, m: number, products = subspaceProducts(data, n, d)): Float64Array {
  const random = new SeededRandom(0x5eed);
  let basis = Float64Array.from({ length: d * m }, () => random.normal());
  orthonormalise(basis, d, m);
  const scores = new Float64Array(n * m);
  for (let it = 0; it < POWER_ITERATIONS; it++) {
    // scores = (X - mean) Q, then Q = orth((X - mean)ᵀ scores).
    products.scores(basis, m, scores);
    const next = new Float64Array(d * m);
    products.transposed(scores, m, next);
    orthonormalise(next, d, m);
    basis = next;
  }
  return basis;
}

/** The products by JS loops; Xc is never formed (the mean is taken off the scores). */
export function subspaceProducts(data: Float32Array, n: number, d: number): SubspaceProducts {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) {
      mean[t] = mean[t]! + data[i * d + t]! / n;
    }
  }
  return {
    scores(basis, m, out) {
      const shift = new Float64Array(m);
      for (let t = 0; t < d; t++) {
        for (let c = 0; c < m; c++) {
          shift[c] = shift[c]! + mean[t]! * basis[t * m + c]!;
        }
      }
      project(data, n, d, basis, m, out);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < m; c++) {
          out[i * m + c] = out[i * m + c]! - shift[c]!;
        }
      }
    },
    transposed(scores, m, out) {
      out.fill(0);
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < d; t++) {
          const x = data[i * d + t]! - mean[t]!;
          for (let c = 0; c < m; c++) {
            out[t * m + c] = out[t * m + c]! + x * scores[i * m + c]!;
          }
        }
      }
    },
  };
}

/** Writes the coordinates of every row of `data` in `basis` (d x m) into `out` (n x m). */
export function project(data: Float32Array, n: number, d: number, basis: Float64Array, m: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) {
      const x = data[i * d + t]!;
      for (let c = 0; c < m; c++) {
        out[i * m + c] = out[i * m + c]! + x * basis[t * m + c]!;
      }
    }
  }
}

/** Modified Gram-Schmidt, applied twice so the columns are orthonormal to rounding ("twice is enough"). */
function orthonormalise(a: Float64Array, d: number, m: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < m; c++) {
      for (let prev = 0; prev < c; prev++) {
        let dot = 0;
        for (let t = 0; t < d; t++) {
          dot += a[t * m + c]! * a[t * m + prev]!;
        }
        for (let t = 0; t < d; t++) {
          a[t * m + c] = a[t * m + c]! - dot * a[t * m + prev]!;
        }
      }
      let norm = 0;
      for (let t = 0; t < d; t++) {
        norm += a[t * m + c]! ** 2;
      }
      norm = Math.sqrt(norm);
      for (let t = 0; t < d; t++) {
        // A column that collapsed (rank-deficient data) is zeroed: a zero direction still gives a valid bound.
        a[t * m + c] = norm > 1e-300 ? a[t * m + c]! / norm : 0;
      }
    }
  }
}
