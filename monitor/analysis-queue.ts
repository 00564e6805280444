// Analyses each new checkpoint in the background, one at a time, and reports progress. One at a time
// because a trainer usually holds the other core. Newest first: when training outpaces the analyses, the
// checkpoint a live dashboard shows is the one worth having now; older ones fill in when the queue is free.
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
  const waiting: { runId: string; at: EpochRef }[] = [];
  let working: Promise<void> | null = null;

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

  async function drain(): Promise<void> {
    for (let next = waiting.pop(); next; next = waiting.pop()) {
      const { runId, at } = next;
      await analyse(runId, at).catch((err: Error) => {
        emit({ runId, at, status: 'failed', message: err.message });
      });
    }
    working = null;
  }

  return {
    enqueue(runId, at) {
      emit({ runId, at, status: 'queued' });
      waiting.push({ runId, at });
      working ??= drain();
    },
    idle: async () => {
      while (working) {
        await working;
      }
    },
  };
}
