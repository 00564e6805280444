// Test reference for the truncated Newton solver (linear-svm-newton-cg.ts): the same smoothed-hinge Newton
// steps (Keerthi & DeCoste, JMLR 2005) with each direction solved exactly by forming and factoring the
// d + 1 square Hessian. Plain and O(d³) per step, so its minimiser is the one the CG solver must reach.
import { marginChanges } from '../../../lib/linear-svm/linear-svm-dual-test.ts';
import { addOuterProducts, choleskyInPlace } from '../../../lib/linear-svm/linear-svm-linalg.ts';
import type { SvmProblem } from '../../../lib/linear-svm/linear-svm-problem.ts';
import { BAND, SmoothedHingeIterate } from '../../../lib/linear-svm/linear-svm-smoothed-hinge.ts';

export interface NewtonOptions {
  /** Width of the quadratic band of the smoothed hinge (margins in (1 − h, 1)). */
  h: number;
  maxSteps: number;
  /** Start point ŵ (length d + 1); default 0. */
  w?: Float64Array;
}

export interface NewtonResult {
  w: Float64Array;
  /** yᵢŵ·x̂ᵢ per training row at the returned w. */
  margins: Float64Array;
  steps: number;
  /** True when a full Newton step left every row's piece (loss, band, zero) unchanged: w is the exact minimiser. */
  converged: boolean;
}

/** Minimises ½‖ŵ‖² + C Σ L_h(yᵢŵ·x̂ᵢ), L_h the hinge with its kink rounded by a parabola over (1 − h, 1). */
export function smoothedHingeNewton(problem: SvmProblem, options: NewtonOptions): NewtonResult {
  const { X, d, offsets, B, C } = problem;
  const { h, maxSteps } = options;
  const l = offsets.length;
  const p = d + 1;
  const iterate = new SmoothedHingeIterate(problem, h, options.w);
  const { w, m, piece } = iterate;
  // bandGram = Σ_{band} x̂ᵢx̂ᵢᵀ is kept up to date as rows change piece, so a step costs O(changes · d²)
  // rather than O(band · d²).
  const bandGram = new Float64Array(p * p);
  const changeOffsets: number[] = [];
  const changeSigns: number[] = [];
  rebuildBandGram(problem, piece, bandGram);
  let bandSize = piece.reduce((count, k) => count + (k === BAND ? 1 : 0), 0);

  const g = new Float64Array(p);
  const dir = new Float64Array(p);
  const delta = new Float64Array(l);
  const A = new Float64Array(p * p);
  const stiffness = C / h;
  let steps = 0;
  let converged = false;
  const bandChanged = (i: number, before: number, after: number) => {
    if (before === BAND || after === BAND) {
      changeOffsets.push(offsets[i]!);
      changeSigns.push(after === BAND ? 1 : -1);
      bandSize += after === BAND ? 1 : -1;
    }
  };
  while (steps < maxSteps) {
    iterate.gradient(g);
    // Newton direction: (I + (C/h)·bandGram) dir = −g; only the lower triangle is read.
    for (let a = 0; a < p; a++) {
      const row = a * p;
      for (let b = 0; b <= a; b++) {
        A[row + b] = stiffness * bandGram[row + b]!;
      }
      A[row + a]! += 1;
      dir[a] = -g[a]!;
    }
    if (!choleskyInPlace(A, p)) {
      break; // Only rounding can make I + PSD indefinite.
    }
    choleskySolveInPlace(A, p, dir);
    marginChanges(problem, dir, delta);
    changeOffsets.length = 0;
    changeSigns.length = 0;
    const { t, dd, flips } = iterate.step(dir, delta, bandChanged);
    steps++;
    if (changeOffsets.length < bandSize) {
      addOuterProducts(bandGram, X, d, B, changeOffsets, changeSigns, changeOffsets.length);
    } else {
      rebuildBandGram(problem, piece, bandGram);
    }
    // With no row changing piece, F is one quadratic along the whole step, so the full Newton step is exact.
    if (flips === 0 && Math.abs(t - 1) < 1e-9) {
      converged = true;
      break;
    }
    if (flips === 0 && iterate.stalled(t, dd)) {
      break;
    }
  }
  return { w, margins: m, steps, converged };
}

function rebuildBandGram(problem: SvmProblem, piece: Uint8Array, bandGram: Float64Array): void {
  bandGram.fill(0);
  const offs: number[] = [];
  for (let i = 0; i < piece.length; i++) {
    if (piece[i] === BAND) {
      offs.push(problem.offsets[i]!);
    }
  }
  addOuterProducts(bandGram, problem.X, problem.d, problem.B, offs, new Float64Array(offs.length).fill(1), offs.length);
}

/** Solves LLᵀx = b in place in b, with L from `choleskyInPlace`. */
export function choleskySolveInPlace(L: Float64Array, p: number, b: Float64Array): void {
  for (let i = 0; i < p; i++) {
    const ri = i * p;
    let s = b[i]!;
    for (let k = 0; k < i; k++) {
      s -= L[ri + k]! * b[k]!;
    }
    b[i] = s / L[ri + i]!;
  }
  // Lᵀ is traversed by columns of L; accumulate row by row instead to keep the access contiguous.
  for (let i = p - 1; i >= 0; i--) {
    const ri = i * p;
    const x = b[i]! / L[ri + i]!;
    b[i] = x;
    for (let k = 0; k < i; k++) {
      b[k]! -= L[ri + k]! * x;
    }
  }
}
