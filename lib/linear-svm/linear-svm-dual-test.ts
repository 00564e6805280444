// liblinear's stopping test for the hinge-loss dual (Hsieh et al. 2008: every projected gradient within
// eps), and the dual point the Newton solvers hand it: αᵢ = −C·L_h'(marginᵢ) of the smoothed hinge.
import { rowDot } from './linear-svm-linalg.ts';
import { type SvmProblem, margins, weightsFromAlphas } from './linear-svm-problem.ts';

/** αᵢ = C·clamp((1 − mᵢ)/h, 0, 1) and ŵ_α = Σ αᵢyᵢx̂ᵢ, the dual point of a smoothed-hinge primal point. */
export function dualPointOfMargins(problem: SvmProblem, m: Float64Array, h: number): { alpha: Float64Array; w: Float64Array } {
  const { C } = problem;
  const alpha = Float64Array.from(m, (mi) => C * Math.min(1, Math.max(0, (1 - mi) / h)));
  return { alpha, w: weightsFromAlphas(problem, alpha) };
}

/** Projected gradient of dual coordinate i: G = yᵢŵ_α·x̂ᵢ − 1, clipped where αᵢ sits at a bound. */
function projectedGradient(G: number, alpha: number, C: number): number {
  return alpha === 0 ? Math.min(G, 0) : alpha === C ? Math.max(G, 0) : G;
}

/**
 * liblinear's stopping test evaluated at one point instead of during a pass: every projected gradient of
 * the dual, yᵢŵ·x̂ᵢ − 1 clipped at the bounds of αᵢ, lies in [−eps, eps] and their spread is <= eps.
 */
export function projectedGradientTest(problem: SvmProblem, alpha: Float64Array, w: Float64Array, eps: number): boolean {
  const m = margins(problem, w);
  let high = 0;
  let low = 0;
  for (let i = 0; i < m.length; i++) {
    const PG = projectedGradient(m[i]! - 1, alpha[i]!, problem.C);
    high = Math.max(high, PG);
    low = Math.min(low, PG);
  }
  return high - low <= eps;
}

/**
 * The same test at the dual point of a smoothed-hinge iterate ŵ with margins m and gradient g, without
 * forming it: ŵ_α = Σ αᵢyᵢx̂ᵢ = ŵ − g, so its margins are mᵢ − yᵢg·x̂ᵢ. Fills delta with yᵢdir·x̂ᵢ in the
 * same pass, reading each row once for both products (measured 1.4x the time of one product, not 2x).
 */
export function marginChangesAndDualTest(
  problem: SvmProblem,
  m: Float64Array,
  g: Float64Array,
  h: number,
  eps: number,
  dir: Float64Array,
  delta: Float64Array,
): boolean {
  const { X, d, offsets, y, B, C, kernels } = problem;
  const gB = g[d]! * B;
  const dirB = dir[d]! * B;
  let high = 0;
  let low = 0;
  if (kernels) {
    const gx = new Float64Array(offsets.length);
    kernels.dots2(offsets, offsets.length, g, dir, gx, delta);
    for (let i = 0; i < offsets.length; i++) {
      const yi = y[i]!;
      delta[i] = yi * (delta[i]! + dirB);
      const mi = m[i]!;
      const PG = projectedGradient(mi - yi * (gx[i]! + gB) - 1, C * Math.min(1, Math.max(0, (1 - mi) / h)), C);
      high = Math.max(high, PG);
      low = Math.min(low, PG);
    }
    return high - low <= eps;
  }
  for (let i = 0; i < offsets.length; i++) {
    const off = offsets[i]!;
    let g0 = 0;
    let g1 = 0;
    let d0 = 0;
    let d1 = 0;
    let k = 0;
    for (; k + 1 < d; k += 2) {
      const x0 = X[off + k]!;
      const x1 = X[off + k + 1]!;
      g0 += x0 * g[k]!;
      g1 += x1 * g[k + 1]!;
      d0 += x0 * dir[k]!;
      d1 += x1 * dir[k + 1]!;
    }
    if (k < d) {
      const x0 = X[off + k]!;
      g0 += x0 * g[k]!;
      d0 += x0 * dir[k]!;
    }
    const yi = y[i]!;
    delta[i] = yi * (d0 + d1 + dirB);
    const mi = m[i]!;
    const PG = projectedGradient(mi - yi * (g0 + g1 + gB) - 1, C * Math.min(1, Math.max(0, (1 - mi) / h)), C);
    high = Math.max(high, PG);
    low = Math.min(low, PG);
  }
  return high - low <= eps;
}

/** Fills delta with yᵢdir·x̂ᵢ, the change of each margin per unit step along dir. */
export function marginChanges(problem: SvmProblem, dir: Float64Array, delta: Float64Array): void {
  const { X, d, offsets, y, B, kernels } = problem;
  const dirB = dir[d]! * B;
  if (kernels) {
    kernels.dots(offsets, offsets.length, dir, delta);
    for (let i = 0; i < offsets.length; i++) {
      delta[i] = y[i]! * (delta[i]! + dirB);
    }
    return;
  }
  for (let i = 0; i < offsets.length; i++) {
    delta[i] = y[i]! * (rowDot(X, offsets[i]!, dir, d) + dirB);
  }
}
