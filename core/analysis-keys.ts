// Which stored analysis belongs to a checkpoint: pure, so the monitor (which serves and queues) and the
// trainer (which computes) always agree on the key.
import type { EpochRecord, Phase } from './protocol.ts';
import { ANALYSIS_KINDS, type AnalysisKey, type AnalysisKind, type AnalysisSettingsName } from './analysis-protocol.ts';
import { settingsOf } from './analysis-settings.ts';
import { TransferscopeError } from './errors.ts';

/** A reference checkpoint the user chose (`analyze --reference`, `?reference=`) instead of the default one. */
export interface ChosenReference {
  phase: Phase;
  epoch: number;
}

/** Kinds that compare the checkpoint's model with a source model, and so need a reference checkpoint. */
// `features` looks at one model: its important neurons are the checkpoint model's own (as the network
// abstraction's), and both domains are attributed through that same model.
const COMPARES_WITH_SOURCE: Record<AnalysisKind, boolean> = { instances: false, projection: false, network: true, features: false };

/**
 * Kinds a kind reads from the store for the same checkpoint: the feature view ranks the network abstraction's
 * important neurons, so both views name the same neurons. Without this, a feature request that ran ahead of
 * the network stage ranked neurons of its own, and the result depended on which request came first.
 */
const NEEDS: Record<AnalysisKind, readonly AnalysisKind[]> = { instances: [], projection: [], network: [], features: ['network'] };

/** `kinds` with the kinds they need, in ANALYSIS_KINDS order (which runs every need first). */
export function withNeeds(kinds: readonly AnalysisKind[]): AnalysisKind[] {
  const all = new Set(kinds.flatMap((k) => [k, ...NEEDS[k]]));
  return ANALYSIS_KINDS.filter((k) => all.has(k));
}

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
 * kind cannot be computed there (not a checkpoint, or no source checkpoint to compare with yet). `chosen`
 * replaces the default reference of a comparing kind; check it first with `assertChosenReference`. `settings`
 * is part of every key; kinds the settings do not change are always keyed `live`.
 */
export function analysisKey(
  kind: AnalysisKind,
  runId: string,
  epochs: EpochRecord[],
  at: EpochRecord,
  chosen?: ChosenReference | null,
  settings: AnalysisSettingsName = 'live',
): AnalysisKey | null {
  if (!at.checkpoint) {
    return null;
  }
  const keyed = settingsOf(kind, settings);
  if (!COMPARES_WITH_SOURCE[kind]) {
    return { runId, phase: at.phase, epoch: at.epoch, referencePhase: null, referenceEpoch: null, settings: keyed };
  }
  const reference = chosen
    ? epochs.find((e) => e.checkpoint && e.phase === chosen.phase && e.epoch === chosen.epoch && e.step !== at.step)
    : referenceCheckpoint(epochs, at);
  return reference ? { runId, phase: at.phase, epoch: at.epoch, referencePhase: reference.phase, referenceEpoch: reference.epoch, settings: keyed } : null;
}

/**
 * Throws INVALID_ARGUMENT unless `chosen` can be `kind`'s reference for `at`: the kind compares two models,
 * and `chosen` is another checkpoint of the same run. Any pair works: the reference plays the source model.
 */
export function assertChosenReference(kind: AnalysisKind, runId: string, epochs: EpochRecord[], at: EpochRecord, chosen: ChosenReference): void {
  if (!COMPARES_WITH_SOURCE[kind]) {
    const comparing = (Object.keys(COMPARES_WITH_SOURCE) as AnalysisKind[]).filter((k) => COMPARES_WITH_SOURCE[k]);
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `The ${kind} analysis looks at one model, so it takes no reference; only ${comparing.join(', ')} does. Leave the reference out.`,
    );
  }
  const checkpoints = epochs.filter((e) => e.checkpoint && e.step !== at.step);
  if (!checkpoints.some((e) => e.phase === chosen.phase && e.epoch === chosen.epoch)) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `Reference ${chosen.phase}:${chosen.epoch} is not another checkpoint of run '${runId}'. Pick one of: ${checkpoints.map((e) => `${e.phase}:${e.epoch}`).join(', ') || '(none yet)'}.`,
    );
  }
}
