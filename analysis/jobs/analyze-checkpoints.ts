// `transferscope analyze`: computes and stores every kind of analysis of a run's checkpoints, skipping
// what is already stored. The monitor runs it in a worker process (analysis/worker.ts), so the tensor work never
// blocks the API; `transferscope analyze` runs it in-process.
import { ANALYSIS_KINDS, type AnalysisKind, type AnalysisSettingsName } from '../../core/analysis-protocol.ts';
import { storedKindName } from '../../core/analysis-settings.ts';
import type { EpochRecord } from '../../core/protocol.ts';
import { analysisKey, assertChosenReference, withNeeds, type ChosenReference } from '../../core/analysis-keys.ts';
import { Store } from '../../store/store.ts';
import type { StorageOptions } from '../../store/storage-options.ts';
import { parseEpochParams } from '../../core/params.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { selectBackend, type BackendChoice } from '../../trainer/backend.ts';
import { makeAnalysisContext } from './analysis-context.ts';
import { ANALYSIS_STAGES } from './analysis-stages.ts';

export interface AnalyzeOptions {
  db: string;
  storageOptions?: StorageOptions;
  runId: string;
  backend?: BackendChoice;
  /** One checkpoint (strings as given on the command line); all of the run's checkpoints when omitted. */
  only?: { phase: string; epoch: string };
  /** Only these kinds (default: all, or those that take a reference when `reference` is given). */
  kinds?: readonly AnalysisKind[];
  /** With `only`: compare with this checkpoint of the run instead of the default reference. */
  reference?: ChosenReference;
  /** The live estimate (default) or the paper's settings; kinds the settings do not change are computed live. */
  settings?: AnalysisSettingsName;
  log?: (line: string) => void;
  /** Called when `kind` of checkpoint `at` is stored, or has nothing to compute there (no reference checkpoint). */
  onReady?: (kind: AnalysisKind, at: EpochRecord) => void;
}

/** Counts analyses (one per kind and checkpoint), not checkpoints. */
export async function analyzeCheckpoints(options: AnalyzeOptions): Promise<{ computed: number; stored: number }> {
  const log = options.log ?? (() => {});
  const store = await Store.open(options.db, { storageOptions: options.storageOptions });
  try {
    const epochs = await store.listEpochs(options.runId);
    let targets = epochs.filter((e) => e.checkpoint);
    if (options.only) {
      const { phase, epoch } = parseEpochParams(options.only.phase, options.only.epoch);
      const at = await store.getEpoch({ runId: options.runId, phase, epoch });
      if (!at.checkpoint) {
        throw new TransferscopeError(
          'EPOCH_NOT_FOUND',
          `Epoch ${epoch} of phase '${phase}' in run '${options.runId}' is not a checkpoint; pick one with checkpoint=true.`,
        );
      }
      targets = [at];
    }
    const chosen = options.reference ?? null;
    if (chosen && (!options.only || targets.length !== 1)) {
      throw new TransferscopeError('INVALID_ARGUMENT', 'A reference goes with one checkpoint: pass --phase and --epoch too.');
    }
    const kinds = chosen ? (options.kinds ?? ['network' as const]) : withNeeds(options.kinds ?? ANALYSIS_KINDS);
    for (const kind of chosen ? kinds : []) {
      assertChosenReference(kind, options.runId, epochs, targets[0]!, chosen!);
    }
    const context = makeAnalysisContext(store, options.runId);
    let backendReady = false;
    let computed = 0;
    let stored = 0;
    // Step order: a stage may build on the previous checkpoint's stored result (a warm-started layout).
    for (const [i, at] of targets.entries()) {
      for (const kind of kinds) {
        const key = analysisKey(kind, options.runId, epochs, at, chosen, options.settings ?? 'live');
        if (!key) {
          options.onReady?.(kind, at);
          continue;
        }
        if (await store.hasAnalysis(kind, key)) {
          stored++;
          options.onReady?.(kind, at);
          continue;
        }
        if (!backendReady) {
          log(`backend ${(await selectBackend(options.backend ?? 'auto')).name}`);
          backendReady = true;
        }
        const started = performance.now();
        const against = key.referencePhase === null ? '' : ` against ${key.referencePhase} epoch ${key.referenceEpoch}`;
        log(`${storedKindName(kind, key.settings)}: ${at.phase} epoch ${at.epoch}${against} (checkpoint ${i + 1}/${targets.length})…`);
        const result = await ANALYSIS_STAGES[kind](context, key);
        // Another process (a request racing the background queue) may have stored it meanwhile.
        if (!(await store.hasAnalysis(kind, key))) {
          await store.putAnalysis(kind, key, result);
        }
        computed++;
        log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        options.onReady?.(kind, at);
      }
    }
    return { computed, stored };
  } finally {
    store.close();
  }
}
