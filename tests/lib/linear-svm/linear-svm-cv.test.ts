import { describe, expect, it } from 'vitest';
import { trainLinearSvm } from '../../../lib/linear-svm/linear-svm.ts';
import { crossValidateLinearSvm, stratifiedFolds } from '../../../lib/linear-svm/linear-svm-cv.ts';
import { SeededRandom } from '../../../lib/random/index.ts';
import { type LabelledData, cosine, shiftedGaussians, trainMlSvm, twoDomains } from './linear-svm-fixtures.ts';
import { scaleToUnitRange } from '../../../analysis/domain-discriminability.ts';

function subset(data: LabelledData, rows: readonly number[]): LabelledData {
  const X = new Float32Array(rows.length * data.d);
  rows.forEach((r, j) => X.set(data.X.subarray(r * data.d, (r + 1) * data.d), j * data.d));
  return { X, labels: Int8Array.from(rows, (r) => data.labels[r]!), n: rows.length, d: data.d };
}

describe('stratifiedFolds', () => {
  it('keeps each class spread evenly over the folds and is deterministic per seed', () => {
    const labels = Int8Array.from({ length: 103 }, (_, i) => (i < 30 ? 1 : -1));
    const folds = stratifiedFolds(labels, 10, 4);
    const positives = new Array<number>(10).fill(0);
    const sizes = new Array<number>(10).fill(0);
    folds.forEach((f, i) => {
      sizes[f]! += 1;
      positives[f]! += labels[i]! > 0 ? 1 : 0;
    });
    expect(Math.max(...positives) - Math.min(...positives)).toBeLessThanOrEqual(1);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(Array.from(stratifiedFolds(labels, 10, 4))).toEqual(Array.from(folds));
    expect(Array.from(stratifiedFolds(labels, 10, 5))).not.toEqual(Array.from(folds));
  });
});

describe('crossValidateLinearSvm', () => {
  it('matches a fold-by-fold ml-svm cross-validation within a few points', () => {
    const data = shiftedGaussians(21, 200, 6, 1.2);
    const cv = crossValidateLinearSvm(data.X, data.labels, 6, { C: 1, folds: 5, seed: 2, eps: 1e-3 });
    let referenceCorrect = 0;
    for (let f = 0; f < 5; f++) {
      const train = subset(
        data,
        Array.from({ length: 200 }, (_, i) => i).filter((i) => cv.foldOf[i] !== f),
      );
      const test = subset(
        data,
        Array.from({ length: 200 }, (_, i) => i).filter((i) => cv.foldOf[i] === f),
      );
      const predicted = trainMlSvm(train, 1).predict(test.X);
      predicted.forEach((p, i) => (referenceCorrect += p === test.labels[i] ? 1 : 0));
    }
    expect(cv.folds).toBe(5);
    expect(cv.accuracy).toBeGreaterThan(0.7);
    expect(Math.abs(cv.accuracy - referenceCorrect / 200)).toBeLessThanOrEqual(0.04);
  });

  it('scores separable data 1 and random labels near chance', () => {
    const separable = shiftedGaussians(22, 200, 5, 6, 5);
    const perfect = crossValidateLinearSvm(separable.X, separable.labels, 5);
    expect(perfect.accuracy).toBe(1);
    expect(Array.from(perfect.foldAccuracies)).toEqual(new Array(10).fill(1));
    const random = new SeededRandom(3);
    const noise = shiftedGaussians(23, 300, 5, 0);
    const shuffled = Int8Array.from(noise.labels, () => (random.chance(0.5) ? 1 : -1));
    expect(Math.abs(crossValidateLinearSvm(noise.X, shuffled, 5).accuracy - 0.5)).toBeLessThan(0.12);
  });

  it('reports held-out decision values of models that never saw the row, and the all-data model', () => {
    const data = shiftedGaussians(24, 90, 3, 1.5);
    const cv = crossValidateLinearSvm(data.X, data.labels, 3, { folds: 3, seed: 1 });
    const full = trainLinearSvm(data.X, data.labels, 3, { seed: 1 });
    expect(Array.from(cv.model.weights)).toEqual(Array.from(full.weights));
    const rows = Array.from({ length: 90 }, (_, i) => i).filter((i) => cv.foldOf[i] !== 0);
    const fold0 = trainLinearSvm(data.X, data.labels, 3, {
      seed: 1,
      rows,
      solver: cv.model.solver,
      warmStart: cv.model.solver === 'newton' ? cv.model : undefined,
    });
    const i = cv.foldOf.indexOf(0);
    const expected = fold0.weights.reduce((s, w, k) => s + w * data.X[i * 3 + k]!, fold0.bias);
    expect(cv.heldOutDecisionValues[i]).toBeCloseTo(expected, 5);
    const correct = cv.heldOutDecisionValues.reduce((s, v, r) => s + (v > 0 === data.labels[r]! > 0 ? 1 : 0), 0);
    expect(cv.accuracy).toBeCloseTo(correct / 90, 12); // equal fold sizes: mean of folds = pooled accuracy
  });

  it('stops Newton at the first point passing the dual test without changing the answer (overlapping domains, C = 100)', () => {
    const d = 20;
    const { source, target } = twoDomains(31, 700, 700, d, { discriminative: 3, shift: 0.5 });
    const { scaled } = scaleToUnitRange(new Float32Array([...source, ...target]), d);
    const labels = new Int8Array(1400).fill(-1).fill(1, 0, 700);
    const early = crossValidateLinearSvm(scaled, labels, d, { C: 100 });
    const full = crossValidateLinearSvm(scaled, labels, d, { C: 100, testEachStep: false, newtonFromProbe: false });
    expect(early.model.solver).toBe('newton');
    expect(early.model.converged).toBe(true);
    expect(Math.abs(early.accuracy - full.accuracy)).toBeLessThanOrEqual(0.01);
    expect(cosine(early.model.weights, full.model.weights)).toBeGreaterThan(0.99);
  });

  it("warm-started folds (all-data model and preconditioner) give the cold starts' held-out predictions", () => {
    const d = 20;
    const { source, target } = twoDomains(32, 900, 900, d, { discriminative: 3, shift: 0.5 });
    const { scaled } = scaleToUnitRange(new Float32Array([...source, ...target]), d);
    const labels = new Int8Array(1800).fill(-1).fill(1, 0, 900);
    const warm = crossValidateLinearSvm(scaled, labels, d, { C: 100 });
    const cold = crossValidateLinearSvm(scaled, labels, d, { C: 100, warmStartFolds: false });
    expect(warm.model.solver).toBe('newton');
    expect(Array.from(warm.foldAccuracies)).toEqual(Array.from(cold.foldAccuracies));
    const worst = Math.max(...warm.heldOutDecisionValues.map((v, i) => Math.abs(v - cold.heldOutDecisionValues[i]!)));
    expect(worst).toBeLessThan(1e-4);
    // The start only saves work.
    expect(warm.work.newtonSteps).toBeLessThan(cold.work.newtonSteps);
    expect(warm.work.factorizations).toBeLessThan(cold.work.factorizations);
  });

  it("the WebAssembly kernels give the plain loops' fold accuracies, held-out values and all-data weights", () => {
    const d = 20;
    const { source, target } = twoDomains(33, 900, 900, d, { discriminative: 3, shift: 0.5 });
    const { scaled } = scaleToUnitRange(new Float32Array([...source, ...target]), d);
    const labels = new Int8Array(1800).fill(-1).fill(1, 0, 900);
    const wasm = crossValidateLinearSvm(scaled, labels, d, { C: 100 });
    const js = crossValidateLinearSvm(scaled, labels, d, { C: 100, kernels: 'js' });
    expect(wasm.model.solver).toBe('newton');
    expect(Array.from(wasm.foldAccuracies)).toEqual(Array.from(js.foldAccuracies));
    const worst = Math.max(...wasm.heldOutDecisionValues.map((v, i) => Math.abs(v - js.heldOutDecisionValues[i]!)));
    expect(worst).toBeLessThan(1e-4);
    expect(cosine(wasm.model.weights, js.model.weights)).toBeGreaterThan(0.99999);
  });

  it('clamps the folds to the rows and rejects fewer than two', () => {
    const data = shiftedGaussians(25, 4, 2, 3);
    expect(crossValidateLinearSvm(data.X, data.labels, 2, { folds: 10 }).folds).toBe(4);
    expect(() => crossValidateLinearSvm(data.X, data.labels, 2, { folds: 1 })).toThrow(/folds >= 2/);
    expect(() => crossValidateLinearSvm(new Float32Array(2), new Int8Array([1]), 2)).toThrow(/at least 2 rows/);
  });
});
