// liblinear's solver for the L1-loss SVM dual (`-s 3`): Hsieh et al., ICML 2008, Algorithm 1 with the
// random permutation of §3.1 and the shrinking of Algorithm 3, stopping on the projected-gradient spread.
import { SeededRandom } from '../random/index.ts';
import { rowAxpy, rowDot } from './linear-svm-linalg.ts';
import { type SvmProblem, weightsFromAlphas } from './linear-svm-problem.ts';

export interface DualCdOptions {
  eps: number;
  maxIterations: number;
  seed: number;
  shrinking: boolean;
  /** Feasible start (each in [0, C]); the solver takes ownership and updates it. Default all zero. */
  alpha?: Float64Array;
}

export interface DualCdResult {
  /** ŵ = Σ αᵢyᵢx̂ᵢ, length d + 1 (last entry multiplies the bias feature). */
  w: Float64Array;
  alpha: Float64Array;
  iterations: number;
  converged: boolean;
  /** Rows still in the shrinking active set at the end: many after a few passes means many margin violators. */
  activeSize: number;
}

/**
 * Minimises ½αᵀQα − eᵀα over 0 ≤ α ≤ C, Qᵢⱼ = yᵢyⱼx̂ᵢ·x̂ⱼ, one coordinate at a time. Stops, as liblinear
 * does, when every projected gradient of a pass lies in [−eps, eps], after a last pass over all rows.
 */
export function dualCoordinateDescent(problem: SvmProblem, options: DualCdOptions): DualCdResult {
  const { X, d, offsets, y, B, C } = problem;
  const { eps, maxIterations, shrinking } = options;
  const l = offsets.length;
  const alpha = options.alpha ?? new Float64Array(l);
  const w = options.alpha ? weightsFromAlphas(problem, alpha) : new Float64Array(d + 1);
  // Qᵢᵢ = ‖x̂ᵢ‖² is the exact curvature of coordinate i's one-variable problem.
  const QD = new Float64Array(l);
  for (let i = 0; i < l; i++) {
    const off = offsets[i]!;
    let q = B * B;
    for (let k = 0; k < d; k++) {
      q += X[off + k]! * X[off + k]!;
    }
    QD[i] = q;
  }
  const session = problem.kernels?.dualCd(offsets, y, QD, alpha, w, B, C);
  const index = session?.index ?? Uint32Array.from({ length: l }, (_, i) => i);
  const random = new SeededRandom(options.seed);
  let activeSize = l;
  // Shrinking: a variable at a bound whose gradient lies beyond last pass's projected-gradient range
  // is unlikely to move, so it leaves the active set until the final full pass.
  let pgMaxOld = Infinity;
  let pgMinOld = -Infinity;
  let iteration = 0;
  let converged = false;
  while (iteration < maxIterations) {
    for (let s = 0; s < activeSize - 1; s++) {
      const j = s + random.int(activeSize - s);
      const t = index[s]!;
      index[s] = index[j]!;
      index[j] = t;
    }
    // The kernels run the same pass in WebAssembly, the row staying in L1 between its product and update.
    const pass = session
      ? session.pass(activeSize, pgMaxOld, pgMinOld, shrinking)
      : plainPass(problem, QD, alpha, w, index, activeSize, pgMaxOld, pgMinOld, shrinking);
    activeSize = pass.active;
    const { pgMax: pgMaxNew, pgMin: pgMinNew } = pass;
    iteration++;
    const passed = activeSize === 0 || (pgMaxNew - pgMinNew <= eps && Math.abs(pgMaxNew) <= eps && Math.abs(pgMinNew) <= eps);
    if (passed) {
      if (activeSize === l) {
        converged = true;
        break;
      }
      activeSize = l;
      pgMaxOld = Infinity;
      pgMinOld = -Infinity;
      continue;
    }
    pgMaxOld = pgMaxNew <= 0 ? Infinity : pgMaxNew;
    pgMinOld = pgMinNew >= 0 ? -Infinity : pgMinNew;
  }
  session?.read(alpha, w);
  return { w, alpha, iterations: iteration, converged, activeSize };
}

/** One pass over index[0..active) in plain JavaScript; shrunk rows are swapped behind the active part. */
function plainPass(
  problem: SvmProblem,
  QD: Float64Array,
  alpha: Float64Array,
  w: Float64Array,
  index: Uint32Array,
  active: number,
  pgMaxOld: number,
  pgMinOld: number,
  shrinking: boolean,
): { active: number; pgMax: number; pgMin: number } {
  const { X, d, offsets, y, B, C } = problem;
  let activeSize = active;
  let pgMax = -Infinity;
  let pgMin = Infinity;
  for (let s = 0; s < activeSize; s++) {
    const i = index[s]!;
    const off = offsets[i]!;
    const yi = y[i]!;
    const G = yi * (rowDot(X, off, w, d) + w[d]! * B) - 1;
    const a = alpha[i]!;
    // A variable at a bound whose gradient points past last pass's range is shrunk: swapped behind the active part.
    if (shrinking && ((a === 0 && G > pgMaxOld) || (a === C && G < pgMinOld))) {
      activeSize--;
      index[s] = index[activeSize]!;
      index[activeSize] = i;
      s--;
      continue;
    }
    const PG = a === 0 ? Math.min(G, 0) : a === C ? Math.max(G, 0) : G;
    pgMax = Math.max(pgMax, PG);
    pgMin = Math.min(pgMin, PG);
    if (Math.abs(PG) > 1e-12) {
      const next = Math.min(Math.max(a - G / QD[i]!, 0), C);
      alpha[i] = next;
      const delta = (next - a) * yi;
      rowAxpy(delta, X, off, w, d);
      w[d]! += delta * B;
    }
  }
  return { active: activeSize, pgMax, pgMin };
}
