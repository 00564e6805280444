// Analyses each new checkpoint in the background, one at a time, and reports progress. One at a time
// because a trainer usually holds the other core.
import type { AnalysisEvent, EpochRef } from './protocol.ts';
import { ANALYSIS_KINDS } from './analysis-protocol.ts';
import { analysisKey } from './analysis-keys.ts';
import type { AnalyzeCheckpoint } from './checkpoint-analyzer.ts';
import type { Store } from './store/store.ts';

export interface AnalysisQueue {
  /** Queues the checkpoint `at` of `runId`; one whose analyses are all stored is reported done at once. */
  enqueue(runId: string, at: EpochRef): void;
  /** Resolves when everything queued so far is done (for shutdown and tests). */
  idle(): Promise<void>;
}

export function makeAnalysisQueue(store: Store, analyze: AnalyzeCheckpoint, emit: (event: AnalysisEvent) => void): AnalysisQueue {
  let tail: Promise<void> = Promise.resolve();

  async function missingKinds(runId: string, at: EpochRef): Promise<number> {
    const epochs = await store.listEpochs(runId);
    const record = epochs.find((e) => e.step === at.step);
    if (!record) {
      return 0;
    }
    const keys = ANALYSIS_KINDS.map((kind) => [kind, analysisKey(kind, runId, epochs, record)] as const);
    const stored = await Promise.all(keys.map(([kind, key]) => (key ? store.hasAnalysis(kind, key) : true)));
    return stored.filter((s) => !s).length;
  }

  async function analyse(runId: string, at: EpochRef): Promise<void> {
    if ((await missingKinds(runId, at)) > 0) {
      emit({ runId, at, status: 'running' });
      const ready: string[] = [];
      await analyze({ runId, phase: at.phase, epoch: at.epoch }, {
        onReady: (kind) => {
          ready.push(kind);
          emit({ runId, at, status: 'running', message: `${ready.join(', ')} ready` });
        },
      });
    }
    emit({ runId, at, status: 'done' });
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
