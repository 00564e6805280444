// Computes each new checkpoint's network abstraction in the background, one at a time, and reports
// progress. One at a time because a trainer usually holds the other core.
import type { AnalysisEvent, EpochRef } from './protocol.ts';
import type { NetworkKey } from './network-protocol.ts';
import type { Store } from './store/store.ts';
import type { NetworkResultStore } from './store/network-store.ts';
import { referenceCheckpoint, type ComputeNetwork } from './routes/network.ts';

export interface AnalysisQueue {
  /** Queues the checkpoint `at` of `runId`; a checkpoint without a reference source checkpoint is skipped. */
  enqueue(runId: string, at: EpochRef): void;
  /** Resolves when everything queued so far is done (for shutdown and tests). */
  idle(): Promise<void>;
}

export function makeAnalysisQueue(store: Store, results: NetworkResultStore, compute: ComputeNetwork, emit: (event: AnalysisEvent) => void): AnalysisQueue {
  let tail: Promise<void> = Promise.resolve();

  async function analyse(runId: string, at: EpochRef): Promise<void> {
    const epochs = await store.listEpochs(runId);
    const record = epochs.find((e) => e.step === at.step);
    const reference = record ? referenceCheckpoint(epochs, record) : null;
    if (!record?.checkpoint || !reference) {
      return;
    }
    const key: NetworkKey = { runId, phase: at.phase, epoch: at.epoch, referencePhase: reference.phase, referenceEpoch: reference.epoch };
    if (await results.get(key)) {
      emit({ runId, at, status: 'done' });
      return;
    }
    emit({ runId, at, status: 'running' });
    try {
      const result = await compute(key);
      if (!(await results.get(key))) {
        await results.put(key, result);
      }
      emit({ runId, at, status: 'done' });
    } catch (err) {
      emit({ runId, at, status: 'failed', message: (err as Error).message });
    }
  }

  return {
    enqueue(runId, at) {
      emit({ runId, at, status: 'queued' });
      tail = tail.then(() => analyse(runId, at)).catch((err: Error) => {
        emit({ runId, at, status: 'failed', message: err.message });
      });
    },
    idle: () => tail,
  };
}
