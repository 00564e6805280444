import { describe, expect, test } from 'vitest';
import type { ConfusionRow } from '../../../core/protocol.ts';
import { nextConfusionSort, sortConfusionRows, type ConfusionSortKey } from '../../../dashboard/src/confusion-sort.ts';

function row(classIndex: number, source: number | null, target: number | null, mispredicted: number[] = []): ConfusionRow {
  return {
    classIndex,
    className: `c${classIndex}`,
    support: 10,
    sourceModelAccuracy: source,
    targetModelAccuracy: target,
    difference: source !== null && target !== null ? target - source : null,
    mispredictedInto: mispredicted.map((count, i) => ({ classIndex: i, className: `c${i}`, count })),
  };
}

const rows = [row(0, 0.5, 0.9, [3]), row(1, null, null, [1, 1]), row(2, 0.8, 0.6), row(3, 0.2, 0.7, [5, 4]), row(4, 0.8, null)];
const order = (key: ConfusionSortKey, direction: 'asc' | 'desc'): number[] => sortConfusionRows(rows, { key, direction }).map((r) => r.classIndex);

describe('sortConfusionRows', () => {
  test('sorts by class', () => {
    expect(order('class', 'asc')).toEqual([0, 1, 2, 3, 4]);
    expect(order('class', 'desc')).toEqual([4, 3, 2, 1, 0]);
  });

  test('puts nulls last in both directions', () => {
    expect(order('targetModelAccuracy', 'asc')).toEqual([2, 3, 0, 1, 4]);
    expect(order('targetModelAccuracy', 'desc')).toEqual([0, 3, 2, 1, 4]);
    expect(order('difference', 'desc')).toEqual([3, 0, 2, 1, 4]);
    expect(order('difference', 'asc')).toEqual([2, 0, 3, 1, 4]);
  });

  test('breaks ties by class index', () => {
    expect(order('sourceModelAccuracy', 'desc')).toEqual([2, 4, 0, 3, 1]);
    expect(order('sourceModelAccuracy', 'asc')).toEqual([3, 0, 2, 4, 1]);
  });

  test('sorts by the total number of mispredicted instances', () => {
    expect(order('mispredicted', 'desc')).toEqual([3, 0, 1, 2, 4]);
  });

  test('does not modify its input', () => {
    const copy = [...rows];
    sortConfusionRows(rows, { key: 'difference', direction: 'desc' });
    expect(rows).toEqual(copy);
  });
});

test('clicking a header sorts ascending, clicking it again reverses', () => {
  const first = nextConfusionSort({ key: 'class', direction: 'asc' }, 'difference');
  expect(first).toEqual({ key: 'difference', direction: 'asc' });
  const second = nextConfusionSort(first, 'difference');
  expect(second).toEqual({ key: 'difference', direction: 'desc' });
  expect(nextConfusionSort(second, 'difference')).toEqual({ key: 'difference', direction: 'asc' });
});
