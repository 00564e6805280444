import { describe, expect, it } from 'vitest';
import { scaleToUnitRange } from '../../../analysis/domain-discriminability.ts';
import { dualPointOfMargins, projectedGradientTest } from '../../../lib/linear-svm/linear-svm-dual-test.ts';
import { smoothedHingeNewtonCg } from '../../../lib/linear-svm/linear-svm-newton-cg.ts';
import { type SvmProblem, makeProblem, margins } from '../../../lib/linear-svm/linear-svm-problem.ts';
import { twoDomains } from './linear-svm-fixtures.ts';
import { smoothedHingeNewton } from './smoothed-hinge-newton-reference.ts';

// Overlapping domains at C = 100: the case the Newton solvers exist for (dual CD crawls there).
const d = 20;
const { source, target } = twoDomains(31, 700, 700, d, { discriminative: 3, shift: 0.5 });
const { scaled } = scaleToUnitRange(new Float32Array([...source, ...target]), d);
const labels = new Int8Array(1400).fill(-1).fill(1, 0, 700);
const C = 100;
const h = 0.09;
const problem = makeProblem(scaled, labels, d, undefined, 1, C);

/** ½‖ŵ‖² + C Σ L_h(mᵢ), the smoothed objective both solvers minimise. */
function smoothedObjective(prob: SvmProblem, w: Float64Array): number {
  let f = 0.5 * w.reduce((s, v) => s + v * v, 0);
  for (const m of margins(prob, w)) {
    f += C * (m <= 1 - h ? 1 - m - h / 2 : m < 1 ? ((1 - m) * (1 - m)) / (2 * h) : 0);
  }
  return f;
}

const relativeDistance = (a: Float64Array, b: Float64Array) => Math.sqrt(a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0) / b.reduce((s, v) => s + v * v, 0));

describe('smoothedHingeNewtonCg', () => {
  const direct = smoothedHingeNewton(problem, { h, maxSteps: 200 });
  const cg = smoothedHingeNewtonCg(problem, { h, maxSteps: 200 });

  it('reaches the minimiser the exact-direction reference finds', () => {
    expect(direct.converged).toBe(true);
    expect(cg.converged).toBe(true);
    expect(relativeDistance(cg.w, direct.w)).toBeLessThan(1e-8);
    expect(cg.cgIterations).toBeGreaterThanOrEqual(cg.steps);
  });

  it('lowers the smoothed objective at every step', () => {
    // Deterministic, so a run capped at k steps is the first k steps of the full run.
    let previous = smoothedObjective(problem, new Float64Array(d + 1));
    for (let k = 1; k <= cg.steps; k++) {
      const value = smoothedObjective(problem, smoothedHingeNewtonCg(problem, { h, maxSteps: k }).w);
      expect(value).toBeLessThanOrEqual(previous * (1 + 1e-12));
      previous = value;
    }
    expect(previous).toBeCloseTo(smoothedObjective(problem, direct.w), 6);
  });

  it("with eps, stops at a point whose dual point passes liblinear's test", () => {
    const early = smoothedHingeNewtonCg(problem, { h, maxSteps: 200, eps: 0.1 });
    expect(early.accepted || early.converged).toBe(true);
    expect(early.steps).toBeLessThanOrEqual(cg.steps);
    const point = dualPointOfMargins(problem, margins(problem, early.w), h);
    expect(projectedGradientTest(problem, point.alpha, point.w, 0.1)).toBe(true);
  });

  it("starts a fold from the all-data factor and optimum and lands on the fold's own minimiser", () => {
    const rows = Array.from({ length: 1400 }, (_, i) => i).filter((i) => i % 10 !== 3);
    const fold = makeProblem(scaled, labels, d, rows, 1, C);
    const cold = smoothedHingeNewton(fold, { h, maxSteps: 200 });
    const warm = smoothedHingeNewtonCg(fold, { h, maxSteps: 200, w: cg.w, factor: cg.factor });
    expect(warm.converged).toBe(true);
    expect(relativeDistance(warm.w, cold.w)).toBeLessThan(1e-8);
    // The all-data factor was only read: folds share it.
    expect(cg.factor.rows.size).toBeGreaterThan(0);
    const again = smoothedHingeNewtonCg(fold, { h, maxSteps: 200, w: cg.w, factor: cg.factor });
    expect(Array.from(again.w)).toEqual(Array.from(warm.w));
  });
});
