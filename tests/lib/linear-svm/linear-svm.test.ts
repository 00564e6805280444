import { describe, expect, it } from 'vitest';
import { type LinearSvmModel, type LinearSvmSolver, decisionValues, predict, svmObjectives, trainLinearSvm } from '../../../lib/linear-svm/linear-svm.ts';
import { RowKernels } from '../../../lib/wasm/svm-kernels.ts';
import { agreement, cosine, shiftedGaussians, trainMlSvm } from './linear-svm-fixtures.ts';

const solvers = ['dual-cd', 'newton'] as const satisfies readonly LinearSvmSolver[];

function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  return agreement(predicted, labels);
}

describe('trainLinearSvm against ml-svm (SMO, linear kernel)', () => {
  // Separable with a wide margin, overlapping at C = 1, overlapping at C = 10: 150 points, 6 features.
  const cases = [
    { name: 'separable, C = 100', shift: 4, C: 100 },
    { name: 'overlapping, C = 1', shift: 1, C: 1 },
    { name: 'overlapping, C = 10', shift: 1.2, C: 10 },
  ];
  for (const { name, shift, C } of cases) {
    const train = shiftedGaussians(7, 150, 6, shift);
    const test = shiftedGaussians(8, 400, 6, shift);
    const reference = trainMlSvm(train, C);
    const variants = [...solvers.map((s) => [s, undefined] as const), ['newton', 'js'] as const];
    for (const [solver, kernels] of variants) {
      it(`${name}: ${solver}${kernels ? ` (${kernels} kernels)` : ''} finds ml-svm's hyperplane`, () => {
        const model = trainLinearSvm(train.X, train.labels, 6, { C, solver, eps: 1e-3, kernels });
        expect(model.converged).toBe(true);
        // ml-svm leaves its bias unregularised and liblinear regularises it, so only near-equality is expected.
        expect(cosine(model.weights, reference.weights)).toBeGreaterThan(0.99);
        expect(agreement(predict(model, train.X), reference.predict(train.X))).toBeGreaterThanOrEqual(0.95);
        const ours = accuracy(predict(model, test.X), test.labels);
        const theirs = accuracy(reference.predict(test.X), test.labels);
        expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(0.03);
      });
    }
  }
});

function kktViolation(model: LinearSvmModel, X: Float32Array, labels: Int8Array, d: number, C: number): number {
  // Optimality of the dual: α = 0 needs margin >= 1, α = C needs margin <= 1, in between margin = 1.
  const values = decisionValues(model, X);
  let worst = 0;
  model.alphas.forEach((a, i) => {
    const margin = labels[i]! * values[i]!;
    const violation = a <= 1e-9 * C ? Math.max(0, 1 - margin) : a >= C * (1 - 1e-9) ? Math.max(0, margin - 1) : Math.abs(margin - 1);
    worst = Math.max(worst, violation);
  });
  return worst;
}

describe('trainLinearSvm optimality', () => {
  const data = shiftedGaussians(3, 300, 8, 1.5, 3);
  for (const solver of solvers) {
    it(`${solver}: KKT conditions hold to eps and the duality gap closes`, () => {
      const C = 10;
      const model = trainLinearSvm(data.X, data.labels, 8, { C, solver, eps: 1e-4, maxIterations: 20_000 });
      expect(model.converged).toBe(true);
      expect(model.alphas.every((a) => a >= 0 && a <= C)).toBe(true);
      expect(kktViolation(model, data.X, data.labels, 8, C)).toBeLessThan(1e-3);
      const { primal, dual } = svmObjectives(data.X, data.labels, 8, model, { C });
      expect(primal + dual).toBeGreaterThanOrEqual(-1e-6 * primal); // weak duality
      expect((primal + dual) / primal).toBeLessThan(1e-4);
    });
  }

  it('dual coordinate descent decreases the dual objective pass by pass', () => {
    // Same seed, so a run capped at k passes is the first k passes of a longer run.
    const C = 100;
    const objectives = [1, 2, 3, 5, 8, 13, 30].map((maxIterations) => {
      const model = trainLinearSvm(data.X, data.labels, 8, { C, solver: 'dual-cd', maxIterations, eps: 1e-6 });
      return svmObjectives(data.X, data.labels, 8, model, { C }).dual;
    });
    for (let k = 1; k < objectives.length; k++) {
      expect(objectives[k]!).toBeLessThan(objectives[k - 1]!);
    }
  });

  it('the Newton solver reaches the dual optimum that dual coordinate descent approaches', () => {
    const C = 100;
    const overlapping = shiftedGaussians(4, 400, 10, 1, 4);
    const newton = trainLinearSvm(overlapping.X, overlapping.labels, 10, { C, solver: 'newton', eps: 1e-3 });
    const dual = trainLinearSvm(overlapping.X, overlapping.labels, 10, { C, solver: 'dual-cd', eps: 1e-3, maxIterations: 3000 });
    expect(newton.solver).toBe('newton');
    expect(newton.converged).toBe(true);
    const gapNewton = svmObjectives(overlapping.X, overlapping.labels, 10, newton, { C });
    const gapDual = svmObjectives(overlapping.X, overlapping.labels, 10, dual, { C });
    expect((gapNewton.primal + gapNewton.dual) / gapNewton.primal).toBeLessThan(1e-3);
    expect(gapNewton.dual).toBeLessThanOrEqual(gapDual.dual + 1e-9 * Math.abs(gapDual.dual));
    expect(cosine(newton.weights, dual.weights)).toBeGreaterThan(0.99);
  });
});

describe('trainLinearSvm behaviour', () => {
  it('classifies separable data perfectly with either solver', () => {
    const data = shiftedGaussians(5, 200, 5, 5, 5);
    for (const solver of solvers) {
      const model = trainLinearSvm(data.X, data.labels, 5, { solver });
      expect(accuracy(predict(model, data.X), data.labels)).toBe(1);
    }
  });

  it('auto picks dual-cd for separable data and newton for heavy overlap at C = 100', () => {
    const separable = shiftedGaussians(6, 400, 8, 5, 8);
    expect(trainLinearSvm(separable.X, separable.labels, 8).solver).toBe('dual-cd');
    const overlapping = shiftedGaussians(6, 400, 8, 0.5, 2);
    const model = trainLinearSvm(overlapping.X, overlapping.labels, 8);
    expect(model.solver).toBe('newton');
    expect(model.converged).toBe(true);
  });

  it('is deterministic for a seed and trains on `rows` exactly as on a copy of those rows', () => {
    const data = shiftedGaussians(9, 120, 4, 1);
    const rows = Array.from({ length: 120 }, (_, i) => i).filter((i) => i % 3 !== 0);
    const copy = new Float32Array(rows.length * 4);
    rows.forEach((r, j) => copy.set(data.X.subarray(r * 4, r * 4 + 4), j * 4));
    const copyLabels = Int8Array.from(rows, (r) => data.labels[r]!);
    for (const solver of solvers) {
      const a = trainLinearSvm(data.X, data.labels, 4, { solver, rows, seed: 5 });
      const b = trainLinearSvm(copy, copyLabels, 4, { solver, seed: 5 });
      expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
      expect(a.bias).toBe(b.bias);
    }
  });

  it('widens the Newton band when nearly separable data stalls it, and still finds the same hyperplane', () => {
    const data = shiftedGaussians(31, 2000, 40, 2.5, 4);
    const widened = trainLinearSvm(data.X, data.labels, 40, { solver: 'newton' });
    expect(widened.widenedBand).toBe(true);
    expect(widened.converged).toBe(true);
    expect(widened.iterations).toBe(0); // the Newton point passed liblinear's test as it was
    const direct = trainLinearSvm(data.X, data.labels, 40, { solver: 'newton', widenBand: false });
    expect(direct.widenedBand).toBe(false);
    expect(direct.newtonSteps).toBeGreaterThan(40);
    const dual = trainLinearSvm(data.X, data.labels, 40, { solver: 'dual-cd' });
    expect(dual.converged).toBe(true);
    expect(cosine(widened.weights, direct.weights)).toBeGreaterThan(0.9999);
    expect(cosine(widened.weights, dual.weights)).toBeGreaterThan(0.999);
  });

  it('Newton at C = 100 on overlapping data takes CG directions and lands within 1% of the optimum', () => {
    const data = shiftedGaussians(12, 1500, 30, 0.6, 5);
    const cg = trainLinearSvm(data.X, data.labels, 30, { solver: 'newton' });
    expect(cg.converged).toBe(true);
    expect(cg.cgIterations).toBeGreaterThan(0);
    const gap = svmObjectives(data.X, data.labels, 30, cg);
    expect((gap.primal + gap.dual) / gap.primal).toBeLessThan(1e-2);
  });

  it('the WebAssembly kernels and the plain loops give the same Newton model and objective at C = 100', () => {
    const data = shiftedGaussians(13, 1200, 37, 0.6, 5);
    const wasm = trainLinearSvm(data.X, data.labels, 37, { solver: 'newton' });
    const js = trainLinearSvm(data.X, data.labels, 37, { solver: 'newton', kernels: 'js' });
    expect(wasm.converged && js.converged).toBe(true);
    expect(cosine(wasm.weights, js.weights)).toBeGreaterThan(0.99999);
    expect(Math.abs(wasm.bias - js.bias)).toBeLessThan(1e-3 * (1 + Math.abs(js.bias)));
    const a = svmObjectives(data.X, data.labels, 37, wasm);
    const b = svmObjectives(data.X, data.labels, 37, js);
    expect(Math.abs(a.primal - b.primal) / b.primal).toBeLessThan(1e-4);
    expect(agreement(predict(wasm, data.X), predict(js, data.X))).toBeGreaterThanOrEqual(0.999);
  });

  it('rejects kernels made from another matrix', () => {
    const data = shiftedGaussians(14, 200, 5, 1);
    const other = shiftedGaussians(15, 100, 5, 1);
    const kernels = RowKernels.for(other.X, 5)!;
    expect(() => trainLinearSvm(data.X, data.labels, 5, { solver: 'newton', kernels })).toThrow(/kernels hold 100 x 5/);
  });

  it('converges to the same optimum from a warm start', () => {
    const data = shiftedGaussians(10, 300, 6, 1);
    const cold = trainLinearSvm(data.X, data.labels, 6, { solver: 'newton', eps: 1e-3 });
    const warm = trainLinearSvm(data.X, data.labels, 6, { solver: 'newton', eps: 1e-3, warmStart: { weights: new Float32Array(6).fill(3), bias: -2 } });
    expect(cosine(cold.weights, warm.weights)).toBeGreaterThan(0.9999);
    expect(warm.bias).toBeCloseTo(cold.bias, 2);
  });

  it('has no bias with biasFeature 0, and a one-class training set predicts that class', () => {
    const X = new Float32Array([0.2, 0.3, 0.25, 0.1, 0.15, 0.35]);
    const labels = new Int8Array([1, 1, 1, 1, 1, 1]);
    const unbiased = trainLinearSvm(X, labels, 1, { biasFeature: 0 });
    expect(unbiased.bias).toBe(0);
    const oneClass = trainLinearSvm(X, labels, 1);
    expect(Array.from(predict(oneClass, new Float32Array([-1, 0, 1])))).toEqual([1, 1, 1]);
  });

  it('predicts −1 on a zero decision value and computes w·x + b', () => {
    const model = { weights: new Float32Array([1, -2]), bias: 0.5 };
    expect(Array.from(decisionValues(model, new Float32Array([1, 1, 0.5, 0.5])))).toEqual([-0.5, 0]);
    expect(Array.from(predict(model, new Float32Array([1, 1, 0.5, 0.5, 1, 0])))).toEqual([-1, -1, 1]);
  });

  it('rejects mismatched shapes and a non-positive C', () => {
    expect(() => trainLinearSvm(new Float32Array(5), new Int8Array(2), 2)).toThrow(/n x d row-major/);
    expect(() => trainLinearSvm(new Float32Array(4), new Int8Array([1, -1]), 2, { C: 0 })).toThrow(/C must be positive/);
    expect(() => trainLinearSvm(new Float32Array(4), new Int8Array([1, -1]), 2, { rows: [] })).toThrow(/no training rows/);
    expect(() => decisionValues({ weights: new Float32Array(3), bias: 0 }, new Float32Array(4))).toThrow(/multiple/);
  });
});
