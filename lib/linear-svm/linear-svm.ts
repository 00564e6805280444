// Paper §5.4 (Algorithm 1): the linear SVM whose weights measure each neuron's domain discriminability.
// L2-regularised hinge-loss (L1-loss) SVM with liblinear's bias and stopping conventions (`-s 3 -B 1`).
import { type DualCdResult, dualCoordinateDescent } from './linear-svm-dual-cd.ts';
import { rowDot } from './linear-svm-linalg.ts';
import type { NewtonFactor } from './linear-svm-newton-factor.ts';
import { type NewtonFit, fitByNewton } from './linear-svm-newton-fit.ts';
import { makeProblem, margins, weightsFromAlphas } from './linear-svm-problem.ts';
import { RowKernels } from '../wasm/index.ts';

export type SvmLabels = Int8Array | Float32Array;

const AUTO_PROBE_PASSES = 10;

/**
 * - `dual-cd`: liblinear's dual coordinate descent from α = 0 (best for nearly separable data or d > n).
 * - `newton`: smoothed-primal Newton steps in d + 1 dimensions, then liblinear's projected-gradient test
 *   at the resulting dual point (dual passes follow only if it fails). Needed for overlapping classes with large C.
 * - `auto` (default): `dual-cd`, switching to `newton` when, after 10 passes, most rows are still active
 *   (and 4·(d + 1) <= rows, d <= 2048, so that (d + 1)² work per step pays off).
 */
export type LinearSvmSolver = 'auto' | 'dual-cd' | 'newton';

export interface LinearSvmOptions {
  /** Weight of the hinge loss against ½‖w‖²; the paper's code uses 100. Must be > 0. */
  C?: number;
  /** Stop when every dual projected gradient lies in [−eps, eps] (liblinear's test; default 0.1 as liblinear). */
  eps?: number;
  /** Cap on dual coordinate-descent passes; default 1000, as liblinear. */
  maxIterations?: number;
  /** Seed of the dual solver's per-pass random permutation; same seed, same model bit for bit. */
  seed?: number;
  /** Constant feature appended to every row (liblinear `-B`): its weight, times B, is the bias. 0 = no bias. Default 1. */
  biasFeature?: number;
  /** Dual shrinking (Hsieh et al. 2008, Algorithm 3); default true. Changes speed, not the solution beyond eps. */
  shrinking?: boolean;
  /** Train on these rows of X only (cross-validation folds, without copying); default every row. */
  rows?: ArrayLike<number>;
  solver?: LinearSvmSolver;
  /** Start of the Newton solver, e.g. the all-data model when fitting a cross-validation fold. */
  warmStart?: { weights: ArrayLike<number>; bias: number };
  /**
   * Newton solver only: true starts from a 64x wider smoothing band and narrows it (what nearly separable
   * data needs), false never widens; by default it widens only after 40 steps without convergence.
   */
  widenBand?: boolean;
  /**
   * Newton solver: try liblinear's dual test at the iterates' dual points, once a step changed no row's
   * piece, and stop once it passes (the same eps guarantee as running to the smoothed optimum, in fewer
   * steps). Default true.
   */
  testEachStep?: boolean;
  /**
   * Newton solver: the preconditioner of its conjugate-gradient directions to start from, e.g. the
   * all-data model's `newtonFactor` when fitting a fold of the same X (its rows are known by their offset
   * in X). It is only read; any factor gives the same model.
   */
  newtonFactor?: NewtonFactor;
  /** `auto`: start Newton from the dual probe's w rather than from 0 (fewer rows change piece early). Default true. */
  newtonFromProbe?: boolean;
  /**
   * How the Newton solver passes over rows: `wasm` (default) by the WebAssembly SIMD kernels of
   * svm-kernels.ts on a copy of X, `js` by the plain loops (the fallback where WebAssembly SIMD is missing,
   * and the tests' reference), or kernels already holding this X (cross-validation shares one copy).
   */
  kernels?: 'wasm' | 'js' | RowKernels;
}

export interface LinearSvmModel {
  /** w, one per feature: the decision value is w·x + bias, positive for the +1 class. */
  weights: Float32Array;
  bias: number;
  /** Dual coordinate-descent passes run (0 when the Newton solution passed the test as it was). */
  iterations: number;
  /** Newton steps run before the dual passes (0 for `dual-cd`). */
  newtonSteps: number;
  /** Whether the Newton solver had to widen its smoothing band (see `widenBand`). */
  widenedBand: boolean;
  /** Whether liblinear's projected-gradient test passed; false means maxIterations ran out. */
  converged: boolean;
  solver: 'dual-cd' | 'newton';
  /** Work of the Newton directions (0 for `dual-cd`): CG iterations, Cholesky factorisations, rank-one updates. */
  cgIterations: number;
  factorizations: number;
  rankOneUpdates: number;
  /** The Newton solver's last preconditioner: pass it as `newtonFactor` to fit a nearby problem (a fold). */
  newtonFactor?: NewtonFactor;
  /** Dual variables in [0, C], one per training row in `rows` order, with ŵ = Σ αᵢyᵢ[xᵢ, B]. */
  alphas: Float64Array;
}

function checkInput(X: Float32Array, labels: SvmLabels, d: number, C: number): void {
  if (!Number.isInteger(d) || d < 1 || X.length !== labels.length * d) {
    throw new RangeError(`linear SVM: X has ${X.length} values for ${labels.length} labels and d = ${d}. Pass X as n x d row-major with one ±1 label per row.`);
  }
  if (!(C > 0)) {
    throw new RangeError(`linear SVM: C must be positive (got ${C}).`);
  }
}

/**
 * Trains min_w ½(‖w‖² + b²/B²) + C Σ max(0, 1 − yᵢ(w·xᵢ + b)): the bias is regularised, as in liblinear.
 * X is n x d row-major; any label > 0 is the +1 class, anything else −1. Throws on a shape mismatch,
 * C <= 0 or an empty `rows`. Training rows of a single class give a model predicting that class.
 */
export function trainLinearSvm(X: Float32Array, labels: SvmLabels, d: number, options: LinearSvmOptions = {}): LinearSvmModel {
  const { C = 100, eps = 0.1, maxIterations = 1000, seed = 0, biasFeature = 1, shrinking = true } = options;
  checkInput(X, labels, d, C);
  const problem = makeProblem(X, labels, d, options.rows, biasFeature, C);
  const l = problem.offsets.length;
  if (l === 0) {
    throw new RangeError('trainLinearSvm: no training rows. Pass at least one row.');
  }
  const requested = options.solver ?? 'auto';
  const newtonFits = d <= 2048 && 4 * (d + 1) <= l;
  // Problems that small (the demo's 40 x 75 per class) stay in plain loops: copying X would cost more.
  const kernels = newtonFits || requested === 'newton' ? rowKernelsFor(X, d, options.kernels) : undefined;
  if (kernels) {
    problem.kernels = kernels;
  }
  let dual: DualCdResult | undefined;
  let probeStart: Float64Array | undefined;
  let solver: 'dual-cd' | 'newton' = requested === 'newton' ? 'newton' : 'dual-cd';
  if (requested === 'auto' && newtonFits) {
    // Probe with a few dual passes: nearly separable data converges or shrinks to a few rows; with many
    // margin violators most rows stay active, and dual CD would crawl (each αᵢ moves ~1/‖x̂ᵢ‖² per pass).
    dual = dualCoordinateDescent(problem, { eps, maxIterations: Math.min(AUTO_PROBE_PASSES, maxIterations), seed, shrinking });
    if (!dual.converged && dual.activeSize > 4 * (d + 1) && maxIterations > AUTO_PROBE_PASSES) {
      solver = 'newton';
      probeStart = options.newtonFromProbe === false ? undefined : dual.w;
      dual = undefined;
    }
  }
  let newton: NewtonFit | undefined;
  if (solver === 'newton') {
    let w0: Float64Array | undefined = probeStart;
    if (options.warmStart) {
      w0 = new Float64Array(d + 1);
      w0.set(options.warmStart.weights);
      w0[d] = biasFeature === 0 ? 0 : options.warmStart.bias / biasFeature;
    }
    newton = fitByNewton(problem, w0, {
      eps,
      maxIterations,
      seed,
      shrinking,
      widenBand: options.widenBand,
      testEachStep: options.testEachStep !== false,
      factor: options.newtonFactor,
    });
    dual = newton.dual;
  } else if (dual === undefined || !dual.converged) {
    const probe = dual;
    dual = dualCoordinateDescent(problem, { eps, maxIterations: maxIterations - (probe?.iterations ?? 0), seed: seed + 1, shrinking, alpha: probe?.alpha });
    dual.iterations += probe?.iterations ?? 0;
  }
  return {
    weights: Float32Array.from(dual.w.subarray(0, d)),
    bias: dual.w[d]! * biasFeature,
    iterations: dual.iterations,
    newtonSteps: newton?.steps ?? 0,
    widenedBand: newton?.widened ?? false,
    converged: dual.converged,
    solver,
    alphas: dual.alpha,
    cgIterations: newton?.cgIterations ?? 0,
    factorizations: newton?.factorizations ?? 0,
    rankOneUpdates: newton?.rankOneUpdates ?? 0,
    newtonFactor: newton?.factor,
  };
}

/** The kernels the Newton solver should use on X: none for `js` or where WebAssembly SIMD is missing. */
export function rowKernelsFor(X: Float32Array, d: number, choice: LinearSvmOptions['kernels']): RowKernels | undefined {
  if (choice instanceof RowKernels) {
    if (choice.d !== d || choice.n * d !== X.length) {
      throw new RangeError(`linear SVM: the kernels hold ${choice.n} x ${choice.d} values but X is ${X.length / d} x ${d}. Pass kernels made from this X.`);
    }
    return choice;
  }
  return choice === 'js' ? undefined : (RowKernels.for(X, d) ?? undefined);
}

/** w·x + bias for every row of X (n x d row-major, d = weights.length). */
export function decisionValues(model: Pick<LinearSvmModel, 'weights' | 'bias'>, X: Float32Array): Float64Array {
  const d = model.weights.length;
  if (X.length % d !== 0) {
    throw new RangeError(`decisionValues: X has ${X.length} values, not a multiple of the model's ${d} features.`);
  }
  const w = Float64Array.from(model.weights);
  return Float64Array.from({ length: X.length / d }, (_, r) => rowDot(X, r * d, w, d) + model.bias);
}

/** ±1 per row of X; a decision value of exactly 0 goes to −1, as in ml-svm. */
export function predict(model: Pick<LinearSvmModel, 'weights' | 'bias'>, X: Float32Array): Int8Array {
  return Int8Array.from(decisionValues(model, X), (v) => (v > 0 ? 1 : -1));
}

/**
 * The primal objective at the model's (w, b) and liblinear's dual objective ½‖Σαᵢyᵢx̂ᵢ‖² − Σαᵢ at its
 * alphas, over the rows it was trained on (same X, labels, C, biasFeature and rows). At the optimum
 * primal = −dual; primal + dual >= 0 always (weak duality), so it measures how far from optimal the model is.
 */
export function svmObjectives(
  X: Float32Array,
  labels: SvmLabels,
  d: number,
  model: LinearSvmModel,
  options: Pick<LinearSvmOptions, 'C' | 'biasFeature' | 'rows'> = {},
): { primal: number; dual: number } {
  const { C = 100, biasFeature = 1 } = options;
  checkInput(X, labels, d, C);
  const problem = makeProblem(X, labels, d, options.rows, biasFeature, C);
  const w = new Float64Array(d + 1);
  w.set(model.weights);
  w[d] = biasFeature === 0 ? 0 : model.bias / biasFeature;
  let primal = 0.5 * w.reduce((s, v) => s + v * v, 0);
  for (const m of margins(problem, w)) {
    primal += C * Math.max(0, 1 - m);
  }
  const wAlpha = weightsFromAlphas(problem, model.alphas);
  const dual = 0.5 * wAlpha.reduce((s, v) => s + v * v, 0) - model.alphas.reduce((s, a) => s + a, 0);
  return { primal, dual };
}
