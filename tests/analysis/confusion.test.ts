import { describe, expect, it } from 'vitest';
import { confusionRows } from '../../analysis/confusion.ts';

describe('confusionRows', () => {
  const classNames = ['a', 'b', 'c'];
  const labels = [0, 0, 0, 0, 1, 1, 2, 2];

  it('computes per-class accuracies, their difference and mispredictions by brute force', () => {
    const sourcePredicted = [0, 1, 1, 2, 1, 0, 2, 2];
    const targetPredicted = [0, 0, 0, 2, 1, 1, 2, 0];
    const rows = confusionRows({ classNames, labels, sourcePredicted, targetPredicted, viewedPredicted: targetPredicted });
    expect(rows.map((r) => [r.support, r.sourceModelAccuracy, r.targetModelAccuracy])).toEqual([
      [4, 0.25, 0.75],
      [2, 0.5, 1],
      [2, 1, 0.5],
    ]);
    expect(rows[0]!.difference).toBeCloseTo(0.5, 12);
    expect(rows[2]!.difference).toBeCloseTo(-0.5, 12);
    expect(rows[0]!.mispredictedInto).toEqual([{ classIndex: 2, className: 'c', count: 1 }]);
    expect(rows[2]!.mispredictedInto).toEqual([{ classIndex: 0, className: 'a', count: 1 }]);
  });

  it('orders mispredictions by count and leaves missing models and empty classes null', () => {
    const viewed = [1, 2, 2, 0, 1, 1, 2, 2];
    const rows = confusionRows({ classNames: [...classNames, 'd'], labels, sourcePredicted: viewed, targetPredicted: null, viewedPredicted: viewed });
    expect(rows[0]!.mispredictedInto.map((m) => [m.classIndex, m.count])).toEqual([
      [2, 2],
      [1, 1],
    ]);
    expect(rows[0]!.targetModelAccuracy).toBeNull();
    expect(rows[0]!.difference).toBeNull();
    expect(rows[3]).toMatchObject({ support: 0, sourceModelAccuracy: null });
  });

  it('rejects predictions that do not match the labels', () => {
    expect(() => confusionRows({ classNames, labels, sourcePredicted: [0], targetPredicted: null, viewedPredicted: labels })).toThrow(
      /1 predictions for 8 labels/,
    );
  });
});
