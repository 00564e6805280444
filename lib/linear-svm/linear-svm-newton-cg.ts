// Truncated Newton for the smoothed hinge (the TRON idea of liblinear's `-s 2`: CG on Hessian-vector
// products, two passes over the band rows each), preconditioned by the Cholesky factor of an earlier
// Hessian. While hundreds of rows change piece per step a stale factor still preconditions well (10-20
// CG iterations); once few do, rank-one updates make it exact and a step costs one CG iteration.
// Cross-validation folds start from the all-data fit's factor.
import { denseAxpy, denseDot } from './linear-svm-linalg.ts';
import { type NewtonFactor, factorSolveInPlace } from './linear-svm-newton-factor.ts';
import { marginChanges, marginChangesAndDualTest } from './linear-svm-dual-test.ts';
import { FactorTracker } from './linear-svm-factor-tracker.ts';
import { type ConjugateGradientScratch, makeConjugateGradientScratch, preconditionedConjugateGradient } from './linear-svm-pcg.ts';
import type { SvmProblem } from './linear-svm-problem.ts';
import { BAND, SmoothedHingeIterate } from './linear-svm-smoothed-hinge.ts';

export interface NewtonCgOptions {
  /** Width of the quadratic band of the smoothed hinge (margins in (1 − h, 1)). */
  h: number;
  maxSteps: number;
  /** Start point ŵ (length d + 1); default 0. */
  w?: Float64Array;
  /** Stop at the first iterate whose dual point passes liblinear's test at this eps; default: run to the optimum. */
  eps?: number;
  /** Preconditioner to start with (e.g. the all-data fit's, for a fold); built from the start's band otherwise. */
  factor?: NewtonFactor;
  /**
   * Relative CG residual of a Newton direction while rows still change piece; default 0.2 (TRON uses 0.1:
   * measured on 20,000 x 500, 0.2 costs 6% more steps and 30% fewer CG iterations).
   */
  cgTolerance?: number;
  /** CG iterations after which the factor is rebuilt from the current band; default 40. */
  refactorAfter?: number;
  /** Bring the factor up to date when at most this many rows differ from it, or changed piece last step; default 64. */
  exactAfter?: number;
}

export interface NewtonCgResult {
  w: Float64Array;
  /** yᵢŵ·x̂ᵢ per training row at the returned w. */
  margins: Float64Array;
  steps: number;
  /** A full step along an accurately solved direction changed no row's piece: w is the minimiser. */
  converged: boolean;
  /** The dual point of w passed liblinear's test at `eps`. */
  accepted: boolean;
  /** The preconditioner in use at the end, for the next fit of a nearby problem. */
  factor: NewtonFactor;
  cgIterations: number;
  factorizations: number;
  rankOneUpdates: number;
}

/** Minimises ½‖ŵ‖² + C Σ L_h(yᵢŵ·x̂ᵢ) (see linear-svm-smoothed-hinge.ts) by preconditioned truncated Newton. */
export function smoothedHingeNewtonCg(problem: SvmProblem, options: NewtonCgOptions): NewtonCgResult {
  const { X, d, offsets, B, C } = problem;
  const { h, maxSteps, eps } = options;
  const cgTolerance = options.cgTolerance ?? 0.2;
  const refactorAfter = options.refactorAfter ?? 40;
  const exactAfter = options.exactAfter ?? 64;
  const l = offsets.length;
  const p = d + 1;
  const stiffness = C / h;
  const iterate = new SmoothedHingeIterate(problem, h, options.w);
  const { w, m, piece } = iterate;
  const band = new Uint32Array(l);
  let bandSize = 0;
  const collectBand = () => {
    bandSize = 0;
    for (let i = 0; i < l; i++) {
      if (piece[i] === BAND) {
        band[bandSize++] = i;
      }
    }
  };
  collectBand();
  // Without kernels the band rows with their bias feature are copied into one Float64Array per step: CG
  // reads them twice per iteration, and contiguous doubles are read faster than scattered Float32 rows
  // (measured 1.4x). The kernels read the rows where they are, once per product (gramProduct).
  const { kernels } = problem;
  let bandRows = new Float64Array(0);
  const bandOffsets = new Uint32Array(kernels ? l : 0);
  const gatherBand = () => {
    if (kernels) {
      for (let s = 0; s < bandSize; s++) {
        bandOffsets[s] = offsets[band[s]!]!;
      }
      return;
    }
    if (bandRows.length < bandSize * p) {
      bandRows = new Float64Array(Math.ceil(bandSize * 1.25) * p);
    }
    for (let s = 0; s < bandSize; s++) {
      const off = offsets[band[s]!]!;
      const row = s * p;
      for (let k = 0; k < d; k++) {
        bandRows[row + k] = X[off + k]!;
      }
      bandRows[row + d] = B;
    }
  };
  gatherBand();
  const tracker = new FactorTracker(problem, stiffness, options.factor, piece);
  const multiply = kernels
    ? (v: Float64Array, out: Float64Array) => {
        // x̂ᵢ·v = xᵢ·v + B·v[d]: the kernel's shift carries the bias feature.
        out.set(v);
        out[d]! += B * kernels.gramProduct(bandOffsets, bandSize, v, -B * v[d]!, stiffness, out);
      }
    : (v: Float64Array, out: Float64Array) => bandHessianProduct(bandRows, bandSize, p, stiffness, v, out);
  const precondition = (r: Float64Array, z: Float64Array) => {
    z.set(r);
    if (kernels) {
      kernels.factorSolve(tracker.factor, z);
    } else {
      factorSolveInPlace(tracker.factor.R, p, z);
    }
  };

  const g = new Float64Array(p);
  const b = new Float64Array(p);
  const dir = new Float64Array(p);
  const delta = new Float64Array(l);
  const scratch: ConjugateGradientScratch = makeConjugateGradientScratch(p);
  let steps = 0;
  let cgIterations = 0;
  let converged = false;
  let accepted = false;
  let lastFlips = -1;
  while (steps < maxSteps) {
    iterate.gradient(g);
    for (let k = 0; k < p; k++) {
      b[k] = -g[k]!;
    }
    // Once the pieces stop changing the problem is one quadratic: solve it accurately so that a full step
    // lands on the minimiser (finite termination, as exact Newton directions) instead of creeping towards it.
    const tolerance = lastFlips === 0 ? 1e-10 : cgTolerance;
    // Few rows changed piece since the factor was made (or last step, so the end is near): make it exact,
    // and CG takes one iteration. Many: a stale factor still preconditions well enough.
    if (tracker.mismatch > 0 && (tracker.mismatch <= exactAfter || (lastFlips >= 0 && lastFlips <= exactAfter))) {
      tracker.makeExact(bandSize);
    }
    let cg = preconditionedConjugateGradient(multiply, precondition, b, dir, { tolerance, maxIterations: refactorAfter }, scratch);
    cgIterations += cg.iterations;
    if (!cg.converged) {
      tracker.refactor();
      cg = preconditionedConjugateGradient(multiply, precondition, b, dir, { tolerance, maxIterations: refactorAfter }, scratch);
      cgIterations += cg.iterations;
    }
    // One pass over the rows gives the step's margin changes and, since the dual point of ŵ is
    // ŵ_α = Σ αᵢyᵢx̂ᵢ = ŵ − ∇F(ŵ), the margins liblinear's test needs: yᵢŵ_α·x̂ᵢ = mᵢ − yᵢ∇F·x̂ᵢ.
    // The test only passes within ~h/C of the optimum in every margin, so it is tried only once no row
    // changed piece in the last step; before that one pass computes the margin changes alone.
    if (eps !== undefined && lastFlips === 0) {
      if (marginChangesAndDualTest(problem, m, g, h, eps, dir, delta)) {
        accepted = true;
        break;
      }
    } else {
      marginChanges(problem, dir, delta);
    }
    const { t, dd, flips } = iterate.step(dir, delta, (i, before, after) => {
      if (before === BAND || after === BAND) {
        tracker.bandChanged(i, after === BAND);
      }
    });
    steps++;
    if (flips > 0) {
      collectBand();
      gatherBand();
    }
    if (flips === 0 && Math.abs(t - 1) < 1e-9 && cg.relativeResidual <= 1e-10) {
      converged = true;
      break;
    }
    if (flips === 0 && iterate.stalled(t, dd)) {
      break;
    }
    lastFlips = flips;
  }
  return {
    w,
    margins: m,
    steps,
    converged,
    accepted,
    factor: tracker.factor,
    cgIterations,
    factorizations: tracker.factorizations,
    rankOneUpdates: tracker.updates,
  };
}

/** out = Hv = v + stiffness·Σ_band x̂ᵢ(x̂ᵢ·v): the generalised Hessian, never formed. */
function bandHessianProduct(bandRows: Float64Array, bandSize: number, p: number, stiffness: number, v: Float64Array, out: Float64Array): void {
  out.set(v);
  for (let s = 0; s < bandSize; s++) {
    const row = s * p;
    denseAxpy(stiffness * denseDot(bandRows, row, v, p), bandRows, row, out, p);
  }
}
