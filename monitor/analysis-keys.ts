// Which stored analysis belongs to a checkpoint: pure, so the monitor (which serves and queues) and the
// trainer (which computes) always agree on the key.
import type { EpochRecord } from './protocol.ts';
import type { AnalysisKey, AnalysisKind } from './analysis-protocol.ts';

/** Kinds that compare the checkpoint's model with a source model, and so need a reference checkpoint. */
// `features` looks at one model: its important neurons are the checkpoint model's own (as the network
// abstraction's), and both domains are attributed through that same model.
const COMPARES_WITH_SOURCE: Record<AnalysisKind, boolean> = { instances: false, network: true, features: false };

/**
 * The source checkpoint a checkpoint is compared against: the final source checkpoint once fine-tuning
 * has started (the model the target was copied from), the previous source checkpoint during the source phase.
 */
export function referenceCheckpoint(epochs: EpochRecord[], at: EpochRecord): EpochRecord | null {
  const sources = epochs.filter((e) => e.phase === 'source' && e.checkpoint);
  return (at.phase === 'target' ? sources : sources.filter((e) => e.step < at.step)).at(-1) ?? null;
}

/**
 * The key of `kind` at checkpoint `at` of `runId` given the run's committed `epochs`; null when the
 * kind cannot be computed there (not a checkpoint, or no source checkpoint to compare with yet).
 */
export function analysisKey(kind: AnalysisKind, runId: string, epochs: EpochRecord[], at: EpochRecord): AnalysisKey | null {
  if (!at.checkpoint) {
    return null;
  }
  if (!COMPARES_WITH_SOURCE[kind]) {
    return { runId, phase: at.phase, epoch: at.epoch, referencePhase: null, referenceEpoch: null };
  }
  const reference = referenceCheckpoint(epochs, at);
  return reference ? { runId, phase: at.phase, epoch: at.epoch, referencePhase: reference.phase, referenceEpoch: reference.epoch } : null;
}
