// Kinds whose result at a checkpoint starts from the previous checkpoint's stored result (a warm-started layout or
// visualisation model): computing one checkpoint first computes and stores the earlier ones that lack theirs.
import type { AnalysisKey, AnalysisResults } from '../../core/analysis-protocol.ts';
import { analysisKey } from '../../core/analysis-keys.ts';
import type { EpochRecord } from '../../core/protocol.ts';
import type { AnalysisContext } from './analysis-context.ts';

/** Kinds that look at one model, so every checkpoint has a key. */
export type ChainedKind = 'instances' | 'projection';

/** The previous checkpoint's stored result and that checkpoint; null for the run's first checkpoint. */
export type Predecessor<K extends ChainedKind> = { result: AnalysisResults[K]; at: EpochRecord } | null;

/**
 * `compute(key, predecessor)` for the checkpoint of `key`. Earlier checkpoints whose `kind` is not stored yet are
 * computed (and stored) first, in step order, so every result starts from its predecessor's: a request for a late
 * checkpoint before the background queue got there costs one computation per missing checkpoint.
 */
export async function computeAfterPredecessors<K extends ChainedKind>(
  context: AnalysisContext,
  kind: K,
  key: AnalysisKey,
  compute: (key: AnalysisKey, predecessor: Predecessor<K>) => Promise<AnalysisResults[K]>,
): Promise<AnalysisResults[K]> {
  const epochs = await context.store.listEpochs(key.runId);
  const checkpoints = epochs.filter((e) => e.checkpoint);
  const at = checkpoints.findIndex((e) => e.phase === key.phase && e.epoch === key.epoch);
  if (at < 0) {
    return compute(key, null);
  }
  const keyAt = (c: number): AnalysisKey => analysisKey(kind, key.runId, epochs, checkpoints[c]!)!;
  // The earliest checkpoint of the unbroken run of missing results that ends right before this one.
  let from = at;
  while (from > 0 && !(await context.store.hasAnalysis(kind, keyAt(from - 1)))) {
    from--;
  }
  const stored = from > 0 ? await context.store.getAnalysis(kind, keyAt(from - 1)) : null;
  let previous: Predecessor<K> = stored === null ? null : { result: stored, at: checkpoints[from - 1]! };
  for (let c = from; c < at; c++) {
    const result = await compute(keyAt(c), previous);
    // A concurrent process (the background queue) may have stored the same deterministic result meanwhile.
    if (!(await context.store.hasAnalysis(kind, keyAt(c)))) {
      await context.store.putAnalysis(kind, keyAt(c), result);
    }
    previous = { result, at: checkpoints[c]! };
  }
  return compute(key, previous);
}
