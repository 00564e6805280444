// The truncated Newton solver's preconditioner: an upper Cholesky factor R (RᵀR = I + (C/h)·Σ_F x̂ᵢx̂ᵢᵀ)
// of the smoothed hinge's Hessian for some set F of band rows, refactored rarely and otherwise brought up
// to date one row at a time by rank-one updates (a row entering the band) and downdates (one leaving).
import { addOuterProducts, choleskyInPlace } from './linear-svm-linalg.ts';
import type { SvmProblem } from './linear-svm-problem.ts';

export interface NewtonFactor {
  /** Upper triangle of R, row-major p x p (entries below the diagonal are unused). */
  R: Float64Array;
  /** d + 1. */
  p: number;
  /** C/h of the Hessian it factors; a fit with another C or band width builds its own. */
  stiffness: number;
  /** Offsets in X of the rows F whose x̂ᵢx̂ᵢᵀ the factor includes: rows identify themselves across folds. */
  rows: Set<number>;
  /** Bumped whenever R changes in place (rank-one updates), so a copy of R elsewhere knows it is stale. */
  version: number;
}

/** Factors I + stiffness·Σ x̂ᵢx̂ᵢᵀ over the rows of problem.X starting at `bandOffsets`. */
export function factorBandHessian(problem: SvmProblem, bandOffsets: ArrayLike<number>, stiffness: number): NewtonFactor {
  const { X, d, B, kernels } = problem;
  const p = d + 1;
  const A = new Float64Array(p * p);
  if (kernels) {
    const count = bandOffsets.length;
    kernels.gram(bandOffsets, count, A, p);
    // The bias feature's row: Σ B·xᵢ and Σ B².
    const sums = new Float64Array(d);
    kernels.combine(bandOffsets, count, new Float64Array(count).fill(B), sums);
    A.set(sums, d * p);
    A[d * p + d] = count * B * B;
    for (let a = 0; a < p; a++) {
      for (let b = 0; b <= a; b++) {
        A[a * p + b]! *= stiffness;
      }
    }
  } else {
    addOuterProducts(A, X, d, B, bandOffsets, new Float64Array(bandOffsets.length).fill(stiffness), bandOffsets.length);
  }
  for (let a = 0; a < p; a++) {
    A[a * p + a]! += 1;
  }
  // I + PSD has every eigenvalue >= 1, so only a broken input (NaN) can make a pivot non-positive.
  if (!(kernels ? kernels.cholesky(A, p) : choleskyInPlace(A, p))) {
    throw new RangeError('linear SVM: the Newton Hessian is not positive definite; the features contain NaN or infinite values.');
  }
  // R = Lᵀ: rank-one updates and the back substitution then walk rows of R, which are contiguous.
  const R = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      R[j * p + i] = A[i * p + j]!;
    }
  }
  return { R, p, stiffness, rows: new Set(Array.from(bandOffsets)), version: 0 };
}

export function copyFactor(factor: NewtonFactor): NewtonFactor {
  return { ...factor, R: Float64Array.from(factor.R), rows: new Set(factor.rows) };
}

/**
 * R ← the factor of RᵀR + sign·vvᵀ (sign ±1), in O(p²); v is overwritten. A downdate (sign −1) must leave
 * a positive definite matrix, which holds when v is a row that the factored Hessian includes (what remains
 * is still I + PSD). Returns false, with R partly changed, if rounding makes a pivot non-positive.
 */
export function rankOneUpdate(R: Float64Array, p: number, v: Float64Array, sign: 1 | -1): boolean {
  for (let k = 0; k < p; k++) {
    const row = k * p;
    const rkk = R[row + k]!;
    const vk = v[k]!;
    if (vk === 0) {
      continue;
    }
    const r2 = rkk * rkk + sign * vk * vk;
    if (!(r2 > 0)) {
      return false;
    }
    const r = Math.sqrt(r2);
    const c = r / rkk;
    const s = vk / rkk;
    const ss = sign * s;
    const invC = 1 / c;
    R[row + k] = r;
    for (let j = k + 1; j < p; j++) {
      const rkj = (R[row + j]! + ss * v[j]!) * invC;
      R[row + j] = rkj;
      v[j] = c * v[j]! - s * rkj;
    }
  }
  return true;
}

/** Solves RᵀRz = z in place. */
export function factorSolveInPlace(R: Float64Array, p: number, z: Float64Array): void {
  // Rᵀy = z by columns of Rᵀ, i.e. rows of R: each solved entry is subtracted from those after it.
  for (let k = 0; k < p; k++) {
    const row = k * p;
    const yk = z[k]! / R[row + k]!;
    z[k] = yk;
    let j = k + 1;
    for (; j + 3 < p; j += 4) {
      z[j]! -= R[row + j]! * yk;
      z[j + 1]! -= R[row + j + 1]! * yk;
      z[j + 2]! -= R[row + j + 2]! * yk;
      z[j + 3]! -= R[row + j + 3]! * yk;
    }
    for (; j < p; j++) {
      z[j]! -= R[row + j]! * yk;
    }
  }
  for (let k = p - 1; k >= 0; k--) {
    const row = k * p;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = k + 1;
    for (; j + 3 < p; j += 4) {
      s0 += R[row + j]! * z[j]!;
      s1 += R[row + j + 1]! * z[j + 1]!;
      s2 += R[row + j + 2]! * z[j + 2]!;
      s3 += R[row + j + 3]! * z[j + 3]!;
    }
    for (; j < p; j++) {
      s0 += R[row + j]! * z[j]!;
    }
    z[k] = (z[k]! - (s0 + s1 + s2 + s3)) / R[row + k]!;
  }
}
