import { describe, expect, test } from 'vitest';
import type { InstanceProjection } from '../../../core/instances-protocol.ts';
import type { RunMeta } from '../../../core/protocol.ts';
import {
  alignOnto,
  changeCounts,
  matchInstances,
  predictionChanges,
  sameValidationData,
  selectedClassIndices,
} from '../../../dashboard/src/compare-instances-model.ts';

type Row = [domain: number, index: number, label: number, predicted: number, x: number, y: number];

function projection(rows: Row[]): InstanceProjection {
  const column = (i: number) => rows.map((r) => r[i]!);
  return {
    count: rows.length,
    domain: column(0),
    index: column(1),
    label: column(2),
    predicted: column(3),
    x: column(4),
    y: column(5),
    layer: 'flatten',
    activationDimensions: 8,
    principalDimensions: 2,
    capturedVariance: 1,
    perClassCap: 100,
    perplexity: 40,
    learningRate: 100,
    k: 15,
    neighbourPreservation: 0.5,
    meanDisplacement: null,
    previousCheckpoint: null,
    warmStartedFrom: null,
    seconds: 1,
    layoutSeconds: 1,
  };
}

describe('matchInstances', () => {
  test('pairs rows by domain and split index in A order; other instances and label mismatches are left out', () => {
    const a = projection([
      [0, 0, 1, 1, 0, 0],
      [1, 0, 2, 2, 1, 0],
      [0, 5, 3, 3, 0, 1],
      [1, 7, 0, 0, 2, 2],
    ]);
    // B holds the same instances in another order, plus one A lacks; source #5 has another label (other data).
    const b = projection([
      [1, 7, 0, 0, 9, 9],
      [0, 9, 1, 1, 0, 0],
      [0, 5, 4, 4, 0, 0],
      [1, 0, 2, 2, 3, 3],
      [0, 0, 1, 1, 5, 5],
    ]);
    expect(matchInstances(a, b)).toEqual({ a: [0, 1, 3], b: [4, 3, 0] });
  });
});

describe('alignOnto', () => {
  test('undoes a rotation, scale and shift of B, also for instances only B holds', () => {
    const base: [number, number][] = [
      [0, 0],
      [1, 0],
      [0, 2],
      [3, 1],
      [-1, -2],
    ];
    // B = A rotated by 90°, scaled by 2 and shifted by (5, -3), with one extra instance at B's (5, -3) = A's origin.
    const moved = ([x, y]: [number, number]): [number, number] => [-2 * y + 5, 2 * x - 3];
    const a = projection(base.map(([x, y], i) => [0, i, 0, 0, x, y]));
    const b = projection([...base.map((p, i): Row => [0, i, 0, 0, ...moved(p)]), [1, 0, 0, 0, 5, -3]]);
    const fit = alignOnto(a, b, matchInstances(a, b))!;
    expect(fit.shared).toBe(5);
    expect(fit.rmsd).toBeLessThan(1e-5);
    base.forEach(([x, y], i) => {
      expect(fit.projection.x[i]).toBeCloseTo(x, 3);
      expect(fit.projection.y[i]).toBeCloseTo(y, 3);
    });
    expect(fit.projection.x[5]).toBeCloseTo(0, 3);
    expect(fit.projection.y[5]).toBeCloseTo(0, 3);
    // Everything but the coordinates is B's.
    expect(fit.projection.index).toEqual(b.index);
  });

  test("keeps B at A's spread when the layouts agree poorly, where least squares would shrink it", () => {
    const points: [number, number][] = [
      [0, 0],
      [4, 0],
      [0, 4],
      [4, 4],
      [2, 7],
      [-3, 1],
    ];
    const a = projection(points.map(([x, y], i) => [0, i, 0, 0, x, y]));
    // B holds the same places for other instances (a permutation): no rotation explains it.
    const b = projection(points.map(([x, y], i) => [0, (i + 2) % points.length, 0, 0, 10 * x, 10 * y]));
    const fit = alignOnto(a, b, matchInstances(a, b))!;
    const rms = (xs: number[], ys: number[]) => {
      const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
      const my = ys.reduce((s, v) => s + v, 0) / ys.length;
      return Math.sqrt(xs.reduce((s, v, i) => s + (v - mx) ** 2 + (ys[i]! - my) ** 2, 0) / xs.length);
    };
    expect(rms(fit.projection.x, fit.projection.y)).toBeCloseTo(rms(a.x, a.y), 2);
  });

  test('needs three shared instances', () => {
    const a = projection([
      [0, 0, 0, 0, 0, 0],
      [0, 1, 0, 0, 1, 1],
    ]);
    expect(alignOnto(a, a, matchInstances(a, a))).toBeNull();
  });
});

describe('predictionChanges and changeCounts', () => {
  // label, prediction at A, prediction at B
  const a = projection([
    [0, 0, 1, 2, 0, 0],
    [0, 1, 1, 1, 0, 0],
    [1, 0, 2, 0, 0, 0],
    [1, 1, 2, 2, 0, 0],
    [1, 2, 1, 0, 0, 0],
    [1, 3, 2, 2, 0, 0],
  ]);
  const b = projection([
    [0, 0, 1, 1, 0, 0],
    [0, 1, 1, 0, 0, 0],
    [1, 0, 2, 1, 0, 0],
    [1, 1, 2, 2, 0, 0],
    [1, 2, 1, 1, 0, 0],
    [1, 3, 2, 0, 0, 0],
  ]);
  const changes = predictionChanges(a, b, matchInstances(a, b));

  test('fixed = wrong at A and right at B, broken = the reverse; still wrong with another guess is neither', () => {
    expect(changes.map((c) => [c.id, c.change, c.predictedA, c.predictedB])).toEqual([
      ['s0', 'fixed', 2, 1],
      ['s1', 'broken', 1, 0],
      ['t2', 'fixed', 0, 1],
      ['t3', 'broken', 2, 0],
    ]);
  });

  test('counts per class and domain, every requested class listed', () => {
    expect(changeCounts(changes, [0, 1, 2])).toEqual([
      { classIndex: 0, fixed: [0, 0], broken: [0, 0] },
      { classIndex: 1, fixed: [1, 1], broken: [1, 0] },
      { classIndex: 2, fixed: [0, 0], broken: [0, 1] },
    ]);
    expect(changeCounts(changes, [2])).toEqual([{ classIndex: 2, fixed: [0, 0], broken: [0, 1] }]);
  });
});

describe('sameValidationData and selectedClassIndices', () => {
  const run = (id: string, changes: Record<string, unknown> = {}, classNames = ['a', 'b']): RunMeta =>
    ({
      id,
      classNames,
      datasetSizes: { sourceTrain: 8, sourceValidation: 2, targetTrain: 8, targetValidation: 2 },
      config: {
        source: { kind: 'mnist', count: 10 },
        target: { kind: 'mnist', count: 10 },
        seed: 7,
        trainFraction: 0.8,
        model: 'alexnet-32',
        phases: { target: { learningRate: 1 } },
        ...changes,
      },
    }) as unknown as RunMeta;

  test('two fine-tuning settings of one config share their instances; other data or seeds do not', () => {
    expect(sameValidationData(run('x'), run('y', { phases: { target: { learningRate: 10 } } }))).toBe(true);
    expect(sameValidationData(run('x'), run('y', { seed: 8 }))).toBe(false);
    expect(sameValidationData(run('x'), run('y', { target: { kind: 'mnist', count: 12 } }))).toBe(false);
    expect(sameValidationData(run('x'), run('y', {}, ['a', 'c']))).toBe(false);
    expect(sameValidationData(run('x', { seed: 1 }), run('x', { seed: 2 }))).toBe(true);
  });

  test("selected names map to a side's class indices in class order; none selected means all", () => {
    expect(selectedClassIndices(['0', '1', '2', '3'], ['3', '1', 'missing'])).toEqual([1, 3]);
    expect(selectedClassIndices(['0', '1'], undefined)).toEqual([0, 1]);
    expect(selectedClassIndices(['0', '1'], [])).toEqual([0, 1]);
  });
});
