// The training problem both linear SVM solvers share: rows of a row-major Float32Array, ±1 labels, and
// liblinear's bias convention (Fan et al. 2008, §2: every row gets an extra constant feature B).
import { rowAxpy, rowDot } from './linear-svm-linalg.ts';
import type { RowKernels } from '../wasm/index.ts';

export interface SvmProblem {
  X: Float32Array;
  /** Features per row in X; the solvers work in p = d + 1 dimensions, the last one the bias feature. */
  d: number;
  /** Start of each training row in X. */
  offsets: Uint32Array;
  /** ±1 per training row. */
  y: Int8Array;
  /** Value of the appended constant feature; 0 means no bias. */
  B: number;
  C: number;
  /** X's rows in WebAssembly SIMD passes; the plain loops below when absent (or to compare against). */
  kernels?: RowKernels;
}

export function makeProblem(
  X: Float32Array,
  labels: ArrayLike<number>,
  d: number,
  rows: ArrayLike<number> | undefined,
  B: number,
  C: number,
  kernels?: RowKernels,
): SvmProblem {
  const l = rows ? rows.length : labels.length;
  const offsets = new Uint32Array(l);
  const y = new Int8Array(l);
  for (let s = 0; s < l; s++) {
    const r = rows ? rows[s]! : s;
    offsets[s] = r * d;
    y[s] = labels[r]! > 0 ? 1 : -1;
  }
  return kernels ? { X, d, offsets, y, B, C, kernels } : { X, d, offsets, y, B, C };
}

/** ŵ = Σ αᵢ yᵢ x̂ᵢ, length d + 1: the primal point of a dual point. */
export function weightsFromAlphas(problem: SvmProblem, alpha: Float64Array): Float64Array {
  const { X, d, offsets, y, B, kernels } = problem;
  const w = new Float64Array(d + 1);
  if (kernels) {
    const coefs = Float64Array.from(alpha, (a, i) => a * y[i]!);
    kernels.combine(offsets, offsets.length, coefs, w);
    w[d] = B * coefs.reduce((sum, c) => sum + c, 0);
    return w;
  }
  for (let i = 0; i < alpha.length; i++) {
    const c = alpha[i]! * y[i]!;
    if (c !== 0) {
      rowAxpy(c, X, offsets[i]!, w, d);
      w[d]! += c * B;
    }
  }
  return w;
}

/** yᵢ ŵ·x̂ᵢ for every training row. */
export function margins(problem: SvmProblem, w: Float64Array): Float64Array {
  const { X, d, offsets, y, B, kernels } = problem;
  const m = new Float64Array(offsets.length);
  const wb = w[d]! * B;
  if (kernels) {
    kernels.dots(offsets, offsets.length, w, m);
    for (let i = 0; i < m.length; i++) {
      m[i] = y[i]! * (m[i]! + wb);
    }
    return m;
  }
  for (let i = 0; i < m.length; i++) {
    m[i] = y[i]! * (rowDot(X, offsets[i]!, w, d) + wb);
  }
  return m;
}
