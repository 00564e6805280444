// Paper §5.4: how well the domain classifier generalises, by stratified k-fold cross-validation, plus the
// all-data fit whose weights the feature view shows.
import { SeededRandom } from '../random/index.ts';
import type { RowKernels } from '../wasm/index.ts';
import { type LinearSvmModel, type LinearSvmOptions, type SvmLabels, decisionValues, rowKernelsFor, trainLinearSvm } from './linear-svm.ts';

export interface CrossValidationOptions extends Omit<LinearSvmOptions, 'rows' | 'warmStart' | 'widenBand' | 'newtonFactor'> {
  /** Number of folds; default 10. Clamped to the number of rows, as liblinear does. */
  folds?: number;
  /**
   * Newton folds start from the all-data model and its preconditioner (default true); false starts each
   * from 0. Either way a fold converges to its own optimum (the objective is strictly convex), so the
   * start changes only the steps taken, never which held-out rows are seen.
   */
  warmStartFolds?: boolean;
}

export interface CrossValidationResult {
  /** Mean of the per-fold accuracies, in [0, 1]. */
  accuracy: number;
  /** Held-out accuracy of each fold's model, in fold order. */
  foldAccuracies: Float64Array;
  /** Folds actually used. */
  folds: number;
  /** Fold (0..folds−1) of every row. */
  foldOf: Int32Array;
  /** Each row's decision value from the model that did not see it. */
  heldOutDecisionValues: Float64Array;
  /** The model fit on every row. */
  model: LinearSvmModel;
  /** Solver work summed over the all-data fit and every fold (for benchmarks and tuning). */
  work: SolverWork;
}

export interface SolverWork {
  newtonSteps: number;
  dualPasses: number;
  cgIterations: number;
  factorizations: number;
  rankOneUpdates: number;
}

function addWork(work: SolverWork, model: LinearSvmModel): void {
  work.newtonSteps += model.newtonSteps;
  work.dualPasses += model.iterations;
  work.cgIterations += model.cgIterations;
  work.factorizations += model.factorizations;
  work.rankOneUpdates += model.rankOneUpdates;
}

/**
 * Fold of each row: each class is shuffled (seeded) and dealt round-robin, continuing the deal from one
 * class to the next, so every fold has the class ratio of the whole and fold sizes differ by at most one.
 */
export function stratifiedFolds(labels: ArrayLike<number>, folds: number, seed: number): Int32Array {
  const random = new SeededRandom(seed);
  const foldOf = new Int32Array(labels.length);
  let dealt = 0;
  for (const positive of [true, false]) {
    const members: number[] = [];
    for (let i = 0; i < labels.length; i++) {
      if (labels[i]! > 0 === positive) {
        members.push(i);
      }
    }
    random.shuffle(members);
    for (const i of members) {
      foldOf[i] = dealt % folds;
      dealt++;
    }
  }
  return foldOf;
}

/**
 * k-fold cross-validated accuracy of `trainLinearSvm` on X (n x d row-major) with ±1 labels, and the model
 * fit on all rows. Fold models use the solver (and Newton band schedule) the all-data fit chose, and the
 * Newton solver starts from the all-data model (see `warmStartFolds`): it converges to the fold's own
 * optimum, so the start only saves steps.
 * Throws when n < 2 or folds < 2.
 */
export function crossValidateLinearSvm(X: Float32Array, labels: SvmLabels, d: number, options: CrossValidationOptions = {}): CrossValidationResult {
  const n = labels.length;
  const requested = options.folds ?? 10;
  if (n < 2 || !Number.isInteger(requested) || requested < 2) {
    throw new RangeError(`crossValidateLinearSvm: needs at least 2 rows and an integer number of folds >= 2 (got ${n} rows, ${requested} folds).`);
  }
  const folds = Math.min(requested, n);
  const seed = options.seed ?? 0;
  // One copy of X in the kernels' memory serves the all-data fit, every fold and the held-out rows.
  const kernels = rowKernelsFor(X, d, options.kernels);
  const svmOptions: LinearSvmOptions = { ...options, kernels: kernels ?? 'js' };
  const model = trainLinearSvm(X, labels, d, svmOptions);
  const work: SolverWork = { newtonSteps: 0, dualPasses: 0, cgIterations: 0, factorizations: 0, rankOneUpdates: 0 };
  addWork(work, model);
  const foldOf = stratifiedFolds(labels, folds, seed);
  const heldOutDecisionValues = new Float64Array(n);
  const foldAccuracies = new Float64Array(folds);
  for (let f = 0; f < folds; f++) {
    const trainRows: number[] = [];
    const testRows: number[] = [];
    for (let i = 0; i < n; i++) {
      (foldOf[i] === f ? testRows : trainRows).push(i);
    }
    const warm = model.solver === 'newton' && options.warmStartFolds !== false;
    const foldModel = trainLinearSvm(X, labels, d, {
      ...svmOptions,
      solver: model.solver,
      rows: trainRows,
      warmStart: warm ? model : undefined,
      widenBand: model.solver === 'newton' ? model.widenedBand : undefined,
      newtonFactor: warm ? model.newtonFactor : undefined,
    });
    addWork(work, foldModel);
    const values = heldOutValues(X, d, foldModel, testRows, kernels);
    let correct = 0;
    testRows.forEach((r, j) => {
      heldOutDecisionValues[r] = values[j]!;
      if (values[j]! > 0 === labels[r]! > 0) {
        correct++;
      }
    });
    foldAccuracies[f] = correct / testRows.length;
  }
  const accuracy = foldAccuracies.reduce((s, a) => s + a, 0) / folds;
  return { accuracy, foldAccuracies, folds, foldOf, heldOutDecisionValues, model, work };
}

function heldOutValues(X: Float32Array, d: number, model: LinearSvmModel, rows: number[], kernels: RowKernels | undefined): Float64Array {
  if (kernels === undefined) {
    const testX = new Float32Array(rows.length * d);
    rows.forEach((r, j) => testX.set(X.subarray(r * d, r * d + d), j * d));
    return decisionValues(model, testX);
  }
  const values = new Float64Array(rows.length);
  kernels.dots(
    rows.map((r) => r * d),
    rows.length,
    Float64Array.from(model.weights),
    values,
  );
  return values.map((v) => v + model.bias);
}
