import { describe, expect, test } from 'vitest';
import { epochRecord } from '../../helpers/run-fixture.ts';
import { mergeEpochs, resolvePin, samePin, sourceEpochCount } from '../../../dashboard/src/epochs.ts';

const run = [epochRecord('source', 1, 1), epochRecord('source', 2, 2), epochRecord('source', 3, 3), epochRecord('target', 1, 4), epochRecord('target', 2, 5)];

describe('mergeEpochs', () => {
  test('keeps one record per step, ordered by step, the incoming record winning', () => {
    const fresher = { ...epochRecord('source', 2, 2), loss: 42 };
    const merged = mergeEpochs([run[2]!, run[0]!, run[1]!], [fresher, run[3]!, run[3]!]);
    expect(merged.map((e) => e.step)).toEqual([1, 2, 3, 4]);
    expect(merged[1]!.loss).toBe(42);
  });

  test('appends a new last epoch without touching the input', () => {
    const existing = run.slice(0, 2);
    const merged = mergeEpochs(existing, [run[2]!]);
    expect(merged.map((e) => e.step)).toEqual([1, 2, 3]);
    expect(existing).toHaveLength(2);
  });

  test('a repeated single epoch does not grow the list', () => {
    expect(mergeEpochs(run, [run[4]!]).map((e) => e.step)).toEqual([1, 2, 3, 4, 5]);
    expect(mergeEpochs(run, [run[0]!])).toHaveLength(5);
  });

  test('empty inputs', () => {
    expect(mergeEpochs([], [])).toEqual([]);
    expect(mergeEpochs([], [run[1]!, run[0]!]).map((e) => e.step)).toEqual([1, 2]);
  });
});

describe('resolvePin', () => {
  test('finds the exact epoch of the phase', () => {
    expect(resolvePin(run, { phase: 'source', epoch: 2 })).toBe(1);
    expect(resolvePin(run, { phase: 'target', epoch: 1 })).toBe(3);
  });

  test('clamps an epoch past the committed ones to the phase’s last epoch', () => {
    expect(resolvePin(run, { phase: 'source', epoch: 99 })).toBe(2);
    expect(resolvePin(run, { phase: 'target', epoch: 99 })).toBe(4);
  });

  test('a target pin before fine-tuning starts shows the newest epoch', () => {
    expect(resolvePin(run.slice(0, 3), { phase: 'target', epoch: 1 })).toBe(2);
  });

  test('an empty list resolves to -1', () => {
    expect(resolvePin([], { phase: 'source', epoch: 1 })).toBe(-1);
  });
});

test('sourceEpochCount is where the phase boundary sits', () => {
  expect(sourceEpochCount(run)).toBe(3);
  expect(sourceEpochCount(run.slice(0, 2))).toBe(2);
  expect(sourceEpochCount([])).toBe(0);
});

test('samePin compares by value', () => {
  expect(samePin({ phase: 'target', epoch: 2 }, { phase: 'target', epoch: 2 })).toBe(true);
  expect(samePin({ phase: 'target', epoch: 2 }, { phase: 'source', epoch: 2 })).toBe(false);
  expect(samePin(null, null)).toBe(true);
  expect(samePin(null, { phase: 'source', epoch: 1 })).toBe(false);
});
