// The training callback that writes each finished epoch (metrics, predictions, checkpoint weights and
// optimiser state) to the store, and keeps the run's metadata current.
import type { EpochRecord, RunMeta } from '../core/protocol.ts';
import type { Store } from '../store/store.ts';
import type { EpochEnd, TrainingCallbacks } from './train-loop.ts';

export interface SnapshotRecorder extends TrainingCallbacks {
  /** Records the run's end: 'finished', 'failed' (with the error) or 'interrupted'. */
  finish(status: RunMeta['status'], error?: string): Promise<void>;
}

export function makeSnapshotRecorder(store: Store, meta: RunMeta, onCommitted?: (record: EpochRecord) => void): SnapshotRecorder {
  let current = meta;
  const save = async (patch: Partial<RunMeta>) => {
    current = { ...current, ...patch, updatedAt: Date.now() };
    await store.updateRun(current);
  };
  return {
    async onEpochEnd(info: EpochEnd) {
      const e = info.evaluation;
      const record = await store.commitEpoch(meta.id, {
        record: {
          phase: info.phase,
          epoch: info.epoch,
          step: info.step,
          loss: info.loss,
          accSourceTrain: e.accSourceTrain,
          accTargetTrain: e.accTargetTrain,
          accSourceValidation: e.accSourceValidation,
          accTargetValidation: e.accTargetValidation,
          trainSeconds: info.trainSeconds,
          trainImagesPerSecond: info.trainImagesPerSecond,
          checkpoint: info.weights !== undefined,
          committedAt: 0,
        },
        predictions: [
          { split: 'source-validation', predicted: e.sourceValidationPredicted },
          { split: 'target-validation', predicted: e.targetValidationPredicted },
        ],
        ...(info.weights ? { weights: info.weights } : {}),
        ...(info.optimizerState ? { optimizerState: info.optimizerState } : {}),
      });
      await save({ lastEpoch: { phase: info.phase, epoch: info.epoch, step: info.step } });
      onCommitted?.(record);
    },
    async finish(status, error) {
      await save({ status, finishedAt: Date.now(), error: error ?? null });
    },
  };
}
