// The comparison "Compare…" opens with: the model fine-tuning started from against the epoch being viewed,
// the question most users come with ("what did fine-tuning change?").
import type { EpochRecord } from '../../core/protocol.ts';
import type { Comparison } from './url-state.ts';

/**
 * B is `viewed` (else the newest epoch). A is the last source checkpoint before B when B is a target epoch;
 * otherwise the run's first checkpoint (or first epoch), so A and B differ whenever the run has two epochs.
 */
export function defaultComparison(runId: string, epochs: readonly EpochRecord[], viewed: EpochRecord | null): Comparison {
  const b = viewed ?? epochs.at(-1);
  if (!b) {
    throw new Error('defaultComparison needs at least one committed epoch.');
  }
  const before = epochs.filter((e) => e.step < b.step);
  const a =
    (b.phase === 'target' ? before.filter((e) => e.phase === 'source' && e.checkpoint).at(-1) : undefined) ??
    before.find((e) => e.checkpoint) ??
    before[0] ??
    b;
  return { a: { runId, phase: a.phase, epoch: a.epoch }, b: { runId, phase: b.phase, epoch: b.epoch } };
}
