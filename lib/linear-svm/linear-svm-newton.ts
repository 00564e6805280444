// A primal solver for the same SVM when d is small and C large: dual coordinate descent moves each αᵢ by
// about 1/‖x̂ᵢ‖² per pass, so with C = 100 and overlapping classes it needs thousands of passes (measured:
// 18,000 x 500 not converged after 1,000). Here the hinge is Huber-smoothed over a band of width h and the
// smooth primal is minimised by finite Newton steps with exact line search (Keerthi & DeCoste, JMLR 2005),
// using d x d linear algebra. With h <= eps its optimum, mapped to αᵢ = −C·L'(marginᵢ), passes liblinear's
// own stopping test for the hinge dual: every projected gradient lies in (−h, 0].
import { marginChanges } from './linear-svm-dual-test.ts';
import { addOuterProducts, choleskyInPlace, choleskySolveInPlace } from './linear-svm-linalg.ts';
import type { SvmProblem } from './linear-svm-problem.ts';
import { BAND, SmoothedHingeIterate, withBandContinuation } from './linear-svm-smoothed-hinge.ts';

export interface NewtonOptions {
  /** Width of the quadratic band of the smoothed hinge (margins in (1 − h, 1)). */
  h: number;
  maxSteps: number;
  /** Start point ŵ (length d + 1); default 0. */
  w?: Float64Array;
  /** Called after every step with the current ŵ and margins; true stops early (e.g. the caller's own stopping test passed). */
  accept?: (w: Float64Array, margins: Float64Array) => boolean;
}

export interface NewtonResult {
  w: Float64Array;
  /** yᵢŵ·x̂ᵢ per training row at the returned w. */
  margins: Float64Array;
  steps: number;
  /** True when a full Newton step left every row's piece (loss, band, zero) unchanged: w is the exact minimiser. */
  converged: boolean;
}

/** `smoothedHingeNewton` inside the band continuation (`withBandContinuation`); only final stages may accept. */
export function smoothedHingeNewtonWithContinuation(problem: SvmProblem, h: number, w: Float64Array | undefined, widen: boolean | undefined, accept?: NewtonOptions['accept']): NewtonResult & { widened: boolean } {
  return withBandContinuation(h, w, widen, (stageH, stageW, maxSteps, final) => {
    const result = smoothedHingeNewton(problem, { h: stageH, maxSteps, w: stageW, accept: final ? accept : undefined });
    return { ...result, done: result.converged };
  });
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
      break; // Only rounding can make I + PSD indefinite; the caller's dual test (and passes) take over.
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
    if (options.accept?.(w, m)) {
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
