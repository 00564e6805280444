// The Newton route of `trainLinearSvm`: minimise the smoothed hinge inside the band continuation, map the
// result to a dual point, check it with liblinear's test, and finish with dual passes only if it fails.
import { type DualCdResult, dualCoordinateDescent } from './linear-svm-dual-cd.ts';
import { dualPointOfMargins, projectedGradientTest } from './linear-svm-dual-test.ts';
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
  /** The preconditioner to start from. */
  factor: NewtonFactor | undefined;
}

export interface NewtonFit {
  dual: DualCdResult;
  steps: number;
  widened: boolean;
  cgIterations: number;
  factorizations: number;
  rankOneUpdates: number;
  /** The last preconditioner, for a nearby problem. */
  factor: NewtonFactor | undefined;
}

/** Fits `problem` from ŵ = w0 (length d + 1; default 0). */
export function fitByNewton(problem: SvmProblem, w0: Float64Array | undefined, options: NewtonFitOptions): NewtonFit {
  const { eps } = options;
  // With h < eps the smoothed optimum already passes the dual test below; the 10% spare absorbs rounding.
  const h = 0.9 * eps;
  const fit: Omit<NewtonFit, 'dual' | 'steps' | 'widened'> = { cgIterations: 0, factorizations: 0, rankOneUpdates: 0, factor: options.factor };
  const newton = withBandContinuation(h, w0, options.widenBand, (stageH, stageW, maxSteps, final) => {
    const result = smoothedHingeNewtonCg(problem, { h: stageH, maxSteps, w: stageW, factor: fit.factor, eps: final && options.testEachStep ? eps : undefined });
    fit.factor = result.factor;
    fit.cgIterations += result.cgIterations;
    fit.factorizations += result.factorizations;
    fit.rankOneUpdates += result.rankOneUpdates;
    return { ...result, done: result.converged || result.accepted };
  });
  // The CG solver's own test works on incrementally updated margins; this one starts from scratch.
  const point = dualPointOfMargins(problem, newton.margins, h);
  const dual = projectedGradientTest(problem, point.alpha, point.w, eps)
    ? { ...point, iterations: 0, converged: true, activeSize: problem.offsets.length }
    : dualCoordinateDescent(problem, { eps, maxIterations: options.maxIterations, seed: options.seed, shrinking: options.shrinking, alpha: point.alpha });
  return { ...fit, dual, steps: newton.steps, widened: newton.widened };
}
