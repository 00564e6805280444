// Analyses each new checkpoint in the background, one kind at a time, and reports progress. One at a time
// because a trainer usually holds the other core. Network abstractions first, newest checkpoint first: the
// analyses of a checkpoint cost more than an epoch of the demo, so when training outpaces them the network
// abstraction of the checkpoint a live dashboard shows is computed before anything older or cheaper.
import type { AnalysisEvent, EpochRef } from './protocol.ts';
import { ANALYSIS_KINDS, type AnalysisKind } from './analysis-protocol.ts';
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
  /** Checkpoints with kinds left to compute, in arrival order. */
  const waiting: { runId: string; at: EpochRef; left: AnalysisKind[]; ready: AnalysisKind[]; started: boolean }[] = [];
  let working: Promise<void> | null = null;

  /** The next job: the earliest kind in ANALYSIS_KINDS that any checkpoint still needs, for the newest such checkpoint. */
  function nextJob(): { item: (typeof waiting)[number]; kind: AnalysisKind } | null {
    for (const kind of ANALYSIS_KINDS) {
      const item = [...waiting].reverse().find((w) => w.left.includes(kind));
      if (item) {
        return { item, kind };
      }
    }
    return null;
  }

  async function isStored(runId: string, at: EpochRef, kind: AnalysisKind): Promise<boolean> {
    const epochs = await store.listEpochs(runId);
    const record = epochs.find((e) => e.step === at.step);
    const key = record ? analysisKey(kind, runId, epochs, record) : null;
    return key === null || (await store.hasAnalysis(kind, key));
  }

  async function drain(): Promise<void> {
    for (let job = nextJob(); job; job = nextJob()) {
      const { item, kind } = job;
      const { runId, at } = item;
      item.left = item.left.filter((k) => k !== kind);
      if (!item.started) {
        item.started = true;
        emit({ runId, at, status: 'running' });
      }
      try {
        if (!(await isStored(runId, at, kind))) {
          await analyze({ runId, phase: at.phase, epoch: at.epoch }, { kinds: [kind] });
        }
        item.ready.push(kind);
        if (item.left.length > 0) {
          emit({ runId, at, status: 'running', message: `${item.ready.join(', ')} ready` });
        } else {
          waiting.splice(waiting.indexOf(item), 1);
          emit({ runId, at, status: 'done' });
        }
      } catch (err) {
        waiting.splice(waiting.indexOf(item), 1);
        emit({ runId, at, status: 'failed', message: (err as Error).message });
      }
    }
    working = null;
  }

  return {
    enqueue(runId, at) {
      emit({ runId, at, status: 'queued' });
      waiting.push({ runId, at, left: [...ANALYSIS_KINDS], ready: [], started: false });
      working ??= drain();
    },
    idle: async () => {
      while (working) {
        await working;
      }
    },
  };
}
