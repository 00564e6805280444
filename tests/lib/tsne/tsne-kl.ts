// Test and bench reference: the exact t-SNE cost on small n (O(n²) time and memory), the dense joint P of
// the original formulation (van der Maaten & Hinton 2008, every other point a neighbour) and KL(P || Q).
import { rowCount } from '../../../lib/neighbours/index.ts';
import { calibrateRow, type SparseAffinities } from '../../../lib/tsne/tsne-affinities.ts';

/**
 * Dense joint probabilities (n x n row-major, symmetric, zero diagonal, sums to 1 for n >= 2) of `data`
 * (n x d row-major) at the given perplexity, each conditional row calibrated over all n - 1 other points.
 */
export function jointProbabilities(data: Float32Array, d: number, perplexity: number): Float64Array {
  const n = rowCount(data, d, 'jointProbabilities');
  const P = new Float64Array(n * n);
  const distances = new Float64Array(Math.max(0, n - 1));
  const row = new Float64Array(Math.max(0, n - 1));
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < n; j++) {
      if (j !== i) {
        let s = 0;
        for (let t = 0; t < d; t++) {
          const diff = data[i * d + t]! - data[j * d + t]!;
          s += diff * diff;
        }
        distances[m++] = s;
      }
    }
    calibrateRow(distances, perplexity, row);
    m = 0;
    for (let j = 0; j < n; j++) {
      if (j !== i) {
        P[i * n + j] = row[m++]!;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = (P[i * n + j]! + P[j * n + i]!) / (2 * n);
      P[i * n + j] = v;
      P[j * n + i] = v;
    }
  }
  return P;
}

/**
 * KL(P || Q) in nats, where Q is the Student-t (one degree of freedom) similarity of layout `Y` (n x 2
 * row-major) and `P` a dense n x n joint distribution; entries with pᵢⱼ = 0 contribute nothing.
 * Throws when the shapes disagree. Fewer than two points give 0.
 */
export function klDivergence(P: ArrayLike<number>, Y: ArrayLike<number>): number {
  const n = Y.length / 2;
  if (!Number.isInteger(n) || P.length !== n * n) {
    throw new RangeError(`klDivergence: P has ${P.length} entries and Y ${Y.length} values; P must be n x n and Y n x 2 for the same n.`);
  }
  let z = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Y[2 * i]! - Y[2 * j]!;
      const dy = Y[2 * i + 1]! - Y[2 * j + 1]!;
      z += 2 / (1 + dx * dx + dy * dy);
    }
  }
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p = P[i * n + j]!;
      if (i !== j && p > 0) {
        const dx = Y[2 * i]! - Y[2 * j]!;
        const dy = Y[2 * i + 1]! - Y[2 * j + 1]!;
        const q = 1 / ((1 + dx * dx + dy * dy) * z);
        kl += p * Math.log(p / q);
      }
    }
  }
  return kl;
}

/** Exact KL of layout `Y` (n x 2) for `data` (n x d) at `perplexity`: the number to compare layouts by. */
export function layoutKlDivergence(data: Float32Array, d: number, Y: ArrayLike<number>, perplexity: number): number {
  return klDivergence(jointProbabilities(data, d, perplexity), Y);
}

/**
 * KL(P || Q) in nats for a sparse joint P (as t-SNE optimises it) and layout `Y` (n x 2): Σ p log p plus
 * Σ p log(1 + d²) over P's entries, plus log Z with Z summed exactly over all pairs (O(n²) time, O(n) memory,
 * so it scores 5,000-point layouts where the dense P would not fit). Equals `klDivergence` on the same P.
 */
export function sparseKlDivergence(P: SparseAffinities, Y: ArrayLike<number>): number {
  const { n, rowStart, columns, values } = P;
  if (Y.length !== 2 * n) {
    throw new RangeError(`sparseKlDivergence: Y has ${Y.length} values for P of ${n} points. Pass the n x 2 layout P was built for.`);
  }
  let z = 0;
  for (let i = 0; i < n; i++) {
    const xi = Y[2 * i]!;
    const yi = Y[2 * i + 1]!;
    for (let j = i + 1; j < n; j++) {
      const dx = xi - Y[2 * j]!;
      const dy = yi - Y[2 * j + 1]!;
      z += 2 / (1 + dx * dx + dy * dy);
    }
  }
  let kl = 0;
  let mass = 0;
  for (let i = 0; i < n; i++) {
    for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) {
      const p = values[e]!;
      if (p > 0) {
        const j = columns[e]!;
        const dx = Y[2 * i]! - Y[2 * j]!;
        const dy = Y[2 * i + 1]! - Y[2 * j + 1]!;
        kl += p * (Math.log(p) + Math.log(1 + dx * dx + dy * dy));
        mass += p;
      }
    }
  }
  return z > 0 ? kl + mass * Math.log(z) : 0;
}

/** A dense row-major n x n matrix as CSR, keeping entries > 0 off the diagonal (small n). */
export function sparseFromDense(dense: ArrayLike<number>, n: number): SparseAffinities {
  const rowStart = new Int32Array(n + 1);
  const columns: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = dense[i * n + j]!;
      if (i !== j && v > 0) {
        columns.push(j);
        values.push(v);
      }
    }
    rowStart[i + 1] = columns.length;
  }
  return { n, rowStart, columns: Int32Array.from(columns), values: Float64Array.from(values) };
}
