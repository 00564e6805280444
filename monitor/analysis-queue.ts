// Analyses each new checkpoint in the background, one kind at a time, and reports progress. One at a time
// because a trainer usually holds the other core. Network abstractions first, newest checkpoint first: the
// analyses of a checkpoint cost more than an epoch of the demo, so when training outpaces them the network
// abstraction of the checkpoint a live dashboard shows is computed before anything older or cheaper. A more
// urgent kind does not wait for a running job of a less urgent one: it starts beside it, and the analyzer
// pauses the less urgent child while the two would share a slot.
import type { AnalysisEvent, EpochRef } from '../core/protocol.ts';
import { ANALYSIS_KINDS, type AnalysisKind } from '../core/analysis-protocol.ts';
import { analysisKey } from '../core/analysis-keys.ts';
import type { AnalyzeCheckpoint } from './checkpoint-analyzer.ts';
import type { Store } from '../store/store.ts';

export interface AnalysisQueue {
  /** Queues the checkpoint `at` of `runId`; one whose analyses are all stored is reported done at once. */
  enqueue(runId: string, at: EpochRef): void;
  /** Resolves when everything queued so far is done (for shutdown and tests). */
  idle(): Promise<void>;
}

export function makeAnalysisQueue(store: Store, analyze: AnalyzeCheckpoint, emit: (event: AnalysisEvent) => void): AnalysisQueue {
  /** Checkpoints with kinds left to compute, in arrival order. */
  const waiting: { runId: string; at: EpochRef; left: AnalysisKind[]; ready: AnalysisKind[]; started: boolean }[] = [];

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

  /** The jobs in flight, and their kinds. */
  const running = new Set<Promise<void>>();
  const runningKinds: AnalysisKind[] = [];
  const urgency = (kind: AnalysisKind): number => ANALYSIS_KINDS.indexOf(kind);

  /** Starts the next jobs: one when nothing runs, or one more urgent than every job in flight. */
  function pump(): void {
    for (let job = nextJob(); job && runningKinds.every((k) => urgency(job!.kind) < urgency(k)); job = nextJob()) {
      const { item, kind } = job;
      const settled = run(item, kind).finally(() => {
        running.delete(settled);
        runningKinds.splice(runningKinds.indexOf(kind), 1);
        pump();
      });
      running.add(settled);
      runningKinds.push(kind);
    }
  }

  async function run(item: (typeof waiting)[number], kind: AnalysisKind): Promise<void> {
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
      if (item.left.length > 0 || item.ready.length < ANALYSIS_KINDS.length) {
        emit({ runId, at, status: 'running', message: `${item.ready.join(', ')} ready` });
      } else {
        waiting.splice(waiting.indexOf(item), 1);
        emit({ runId, at, status: 'done' });
      }
    } catch (err) {
      item.left = [];
      if (waiting.includes(item)) {
        waiting.splice(waiting.indexOf(item), 1);
        emit({ runId, at, status: 'failed', message: (err as Error).message });
      }
    }
  }

  return {
    enqueue(runId, at) {
      emit({ runId, at, status: 'queued' });
      waiting.push({ runId, at, left: [...ANALYSIS_KINDS], ready: [], started: false });
      pump();
    },
    idle: async () => {
      while (running.size > 0) {
        await Promise.allSettled(running);
      }
    },
  };
}
