import { describe, expect, it } from 'vitest';
import { transferability } from '../../analysis/transferability.ts';
import { epochRecord } from '../helpers/run-fixture.ts';

describe('transferability', () => {
  const withTarget = (phase: 'source' | 'target', epoch: number, step: number, accTarget: number) => ({
    ...epochRecord(phase, epoch, step),
    accTargetValidation: accTarget,
  });
  const epochs = [withTarget('source', 1, 1, 0.2), withTarget('source', 2, 2, 0.35), withTarget('target', 1, 3, 0.3), withTarget('target', 2, 4, 0.8)];

  it('is the best target-model minus the best source-model accuracy on target data, up to a step', () => {
    expect(transferability(epochs, 4).score).toBeCloseTo(0.45, 12);
    const early = transferability(epochs, 3);
    expect(early.score).toBeCloseTo(-0.05, 12);
    expect(early.bestSourceModel).toBe(0.35);
  });

  it('is null until both phases have an epoch', () => {
    expect(transferability(epochs, 2)).toEqual({ score: null, bestTargetModel: null, bestSourceModel: 0.35 });
    expect(transferability([], 10).score).toBeNull();
  });
});
