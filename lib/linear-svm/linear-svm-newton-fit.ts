// The Newton route of `trainLinearSvm`: minimise the smoothed hinge inside the band continuation, map the
// result to a dual point, check it with liblinear's test, and finish with dual passes only if it fails.
import { type DualCdResult, dualCoordinateDescent } from './linear-svm-dual-cd.ts';
import { dualPointOfMargins, projectedGradientTest } from './linear-svm-dual-test.ts';
import { smoothedHingeNewtonWithContinuation } from './linear-svm-newton.ts';
import { smoothedHingeNewtonCg } from './linear-svm-newton-cg.ts';
import type { NewtonFactor } from './linear-svm-newton-factor.ts';
import type { SvmProblem } from './linear-svm-problem.ts';
import { withBandContinuation } from './linear-svm-smoothed-hinge.ts';

export interface NewtonFitOptions {
  eps: number;
  maxIterations: number;
  seed: number;
  shrinking: boolean;
  widenBand: boolean | undefined;
  testEachStep: boolean;
  directions: 'cg' | 'cholesky';
  /** `cg` only: the preconditioner to start from. */
  factor: NewtonFactor | undefined;
}

export interface NewtonFit {
  dual: DualCdResult;
  steps: number;
  widened: boolean;
  cgIterations: number;
  factorizations: number;
  rankOneUpdates: number;
  /** `cg` only: the last preconditioner, for a nearby problem. */
  factor: NewtonFactor | undefined;
}

/** Fits `problem` from ŵ = w0 (length d + 1; default 0). */
export function fitByNewton(problem: SvmProblem, w0: Float64Array | undefined, options: NewtonFitOptions): NewtonFit {
  const { eps } = options;
  // With h < eps the smoothed optimum already passes the dual test below; the 10% spare absorbs rounding.
  const h = 0.9 * eps;
  let accepted: { alpha: Float64Array; w: Float64Array } | undefined;
  let newton: { margins: Float64Array; steps: number; widened: boolean };
  const fit: Omit<NewtonFit, 'dual' | 'steps' | 'widened'> = { cgIterations: 0, factorizations: 0, rankOneUpdates: 0, factor: options.factor };
  if (options.directions === 'cholesky') {
    // The test costs two passes over the rows, a fraction of a step's d x d factorisation.
    const accept = !options.testEachStep ? undefined : (_w: Float64Array, margins: Float64Array): boolean => {
      const point = dualPointOfMargins(problem, margins, h);
      accepted = projectedGradientTest(problem, point.alpha, point.w, eps) ? point : undefined;
      return accepted !== undefined;
    };
    newton = smoothedHingeNewtonWithContinuation(problem, h, w0, options.widenBand, accept);
  } else {
    newton = withBandContinuation(h, w0, options.widenBand, (stageH, stageW, maxSteps, final) => {
      const result = smoothedHingeNewtonCg(problem, { h: stageH, maxSteps, w: stageW, factor: fit.factor, eps: final && options.testEachStep ? eps : undefined });
      fit.factor = result.factor;
      fit.cgIterations += result.cgIterations;
      fit.factorizations += result.factorizations;
      fit.rankOneUpdates += result.rankOneUpdates;
      return { ...result, done: result.converged || result.accepted };
    });
  }
  // The CG solver's own test works on incrementally updated margins; this one starts from scratch.
  const point = accepted ?? dualPointOfMargins(problem, newton.margins, h);
  const dual = accepted !== undefined || projectedGradientTest(problem, point.alpha, point.w, eps)
    ? { ...point, iterations: 0, converged: true, activeSize: problem.offsets.length }
    : dualCoordinateDescent(problem, { eps, maxIterations: options.maxIterations, seed: options.seed, shrinking: options.shrinking, alpha: point.alpha });
  return { ...fit, dual, steps: newton.steps, widened: newton.widened };
}
