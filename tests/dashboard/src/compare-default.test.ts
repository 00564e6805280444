import { describe, expect, it } from 'vitest';
import { defaultComparison } from '../../../dashboard/src/compare-default.ts';
import { epochRecord } from '../../helpers/run-fixture.ts';

const at = (phase: 'source' | 'target', epoch: number, step: number, checkpoint: boolean) => ({ ...epochRecord(phase, epoch, step), checkpoint });
const epochs = [at('source', 1, 1, true), at('source', 2, 2, false), at('source', 3, 3, true), at('target', 1, 4, false), at('target', 2, 5, true)];

describe('defaultComparison', () => {
  it('compares a target epoch with the last source checkpoint: the model fine-tuning started from', () => {
    expect(defaultComparison('r', epochs, epochs[4]!)).toEqual({ a: { runId: 'r', phase: 'source', epoch: 3 }, b: { runId: 'r', phase: 'target', epoch: 2 } });
  });

  it('compares a source epoch with the first checkpoint, and uses the newest epoch when none is viewed', () => {
    expect(defaultComparison('r', epochs, epochs[2]!).a).toEqual({ runId: 'r', phase: 'source', epoch: 1 });
    expect(defaultComparison('r', epochs, null).b).toEqual({ runId: 'r', phase: 'target', epoch: 2 });
    // A run with one epoch compares it with itself rather than failing.
    expect(defaultComparison('r', epochs.slice(0, 1), null)).toEqual({
      a: { runId: 'r', phase: 'source', epoch: 1 },
      b: { runId: 'r', phase: 'source', epoch: 1 },
    });
  });
});
