// Analyses each new checkpoint in the background, one kind at a time, and reports progress. One at a time
// because a trainer usually holds the other core. Network abstractions first, newest checkpoint first: the
// analyses of a checkpoint cost more than an epoch of the demo, so when training outpaces them the network
// abstraction of the checkpoint a live dashboard shows is computed before anything older or cheaper. A more
// urgent kind does not wait for a running job of a less urgent one: it starts beside it, and the analyzer
// pauses the less urgent worker while the two would share a slot. Checkpoints committed while no monitor ran
// are caught up: at start, and whenever a run shows checkpoints the queue never saw. With `refine`, a checkpoint
// whose live analyses are done is then refined to the paper's settings, at the lowest priority, newest first: only
// when no live analysis of any checkpoint waits, and paused by the workers when one arrives.
import type { AnalysisEvent, EpochRef } from '../core/protocol.ts';
import { ANALYSIS_KINDS, type AnalysisKind } from '../core/analysis-protocol.ts';
import { analysisKey } from '../core/analysis-keys.ts';
import { REFINABLE_KINDS } from '../core/analysis-settings.ts';
import type { AnalysisSettingsName } from '../core/analysis-protocol.ts';
import type { AnalyzeCheckpoint } from './analysis-workers.ts';
import type { Store } from '../store/store.ts';

export interface AnalysisQueue {
  /** Queues the checkpoint `at` of `runId` unless it was queued before; one whose analyses are all stored is reported done at once. */
  enqueue(runId: string, at: EpochRef): void;
  /**
   * Queues every checkpoint of `runId` (of every run when omitted) that the queue has not seen and that lacks
   * an analysis: checkpoints committed while no monitor was running. Resolves once they are queued.
   */
  catchUp(runId?: string): Promise<void>;
  /** Resolves when everything queued so far is done (for shutdown and tests). */
  idle(): Promise<void>;
}

export interface AnalysisQueueOptions {
  /** What is computed for every checkpoint (`serve --kind`), all of them by default. */
  kinds?: readonly AnalysisKind[];
  /** Refine every checkpoint to the paper's settings once its live analyses are done (default false). */
  refine?: boolean;
}

/** One job of the queue: a kind at a setting. */
interface QueueJob {
  kind: AnalysisKind;
  settings: AnalysisSettingsName;
}

export function makeAnalysisQueue(
  store: Store,
  analyze: AnalyzeCheckpoint,
  emit: (event: AnalysisEvent) => void,
  options: AnalysisQueueOptions = {},
): AnalysisQueue {
  const kinds = options.kinds ?? ANALYSIS_KINDS;
  const refineKinds = options.refine ? kinds.filter((k) => REFINABLE_KINDS.includes(k)) : [];
  /** Every checkpoint ever queued, as `runId/step`, so catching up never queues one twice. */
  const seen = new Set<string>();
  /** Checkpoints with kinds left to compute (live, then refinements), in arrival order. */
  const waiting: { runId: string; at: EpochRef; left: AnalysisKind[]; ready: AnalysisKind[]; refine: AnalysisKind[]; started: boolean }[] = [];

  /**
   * The next job: the earliest kind in ANALYSIS_KINDS that any checkpoint still needs live, for the newest such
   * checkpoint; only when none does, the newest checkpoint's next refinement (which needs its live kinds done).
   */
  function nextJob(): { item: (typeof waiting)[number]; job: QueueJob } | null {
    for (const kind of kinds) {
      const item = [...waiting].reverse().find((w) => w.left.includes(kind));
      if (item) {
        return { item, job: { kind, settings: 'live' } };
      }
    }
    const item = [...waiting].reverse().find((w) => w.refine.length > 0 && !refiningSteps.has(`${w.runId}/${w.at.step}`));
    return item ? { item, job: { kind: item.refine[0]!, settings: 'paper' } } : null;
  }

  async function isStored(runId: string, at: EpochRef, { kind, settings }: QueueJob): Promise<boolean> {
    const epochs = await store.listEpochs(runId);
    const record = epochs.find((e) => e.step === at.step);
    const key = record ? analysisKey(kind, runId, epochs, record, null, settings) : null;
    return key === null || (await store.hasAnalysis(kind, key));
  }

  /** Catch-ups still reading the store: idle() waits for them, so the store is not closed under them. */
  const catchingUp = new Set<Promise<void>>();
  /** The jobs in flight, and their urgencies. */
  const running = new Set<Promise<void>>();
  const runningUrgencies: number[] = [];
  /** Checkpoints with a refinement in flight: their features refinement ranks the network one's stored result. */
  const refiningSteps = new Set<string>();
  // Every refinement ranks below every live kind (it improves what a view shows, a live kind makes it show anything),
  // and all rank alike, so one refinement runs at a time: a checkpoint's features wait for its network refinement.
  const urgency = ({ kind, settings }: QueueJob): number => (settings === 'paper' ? ANALYSIS_KINDS.length : ANALYSIS_KINDS.indexOf(kind));

  /** Starts the next jobs: one when nothing runs, or one more urgent than every job in flight. */
  function pump(): void {
    for (let next = nextJob(); next && runningUrgencies.every((u) => urgency(next!.job) < u); next = nextJob()) {
      const { item, job } = next;
      const level = urgency(job);
      const settled = (job.settings === 'paper' ? refine(item, job.kind) : run(item, job.kind)).finally(() => {
        running.delete(settled);
        runningUrgencies.splice(runningUrgencies.indexOf(level), 1);
        pump();
      });
      running.add(settled);
      runningUrgencies.push(level);
    }
  }

  const forget = (item: (typeof waiting)[number]): void => {
    if (item.left.length === 0 && item.refine.length === 0 && waiting.includes(item)) {
      waiting.splice(waiting.indexOf(item), 1);
    }
  };

  async function run(item: (typeof waiting)[number], kind: AnalysisKind): Promise<void> {
    const { runId, at } = item;
    item.left = item.left.filter((k) => k !== kind);
    if (!item.started) {
      item.started = true;
      emit({ runId, at, status: 'running' });
    }
    try {
      if (!(await isStored(runId, at, { kind, settings: 'live' }))) {
        await analyze({ runId, phase: at.phase, epoch: at.epoch }, { kinds: [kind] });
      }
      item.ready.push(kind);
      if (item.left.length > 0 || item.ready.length < kinds.length) {
        emit({ runId, at, status: 'running', message: `${item.ready.join(', ')} ready` });
      } else {
        forget(item);
        emit({ runId, at, status: 'done' });
      }
    } catch (err) {
      item.left = [];
      item.refine = [];
      if (waiting.includes(item)) {
        forget(item);
        emit({ runId, at, status: 'failed', message: (err as Error).message });
      }
    }
  }

  /** Refines `kind` of a checkpoint whose live analyses are done; its events carry `settings: 'paper'` and the kind. */
  async function refine(item: (typeof waiting)[number], kind: AnalysisKind): Promise<void> {
    const { runId, at } = item;
    const step = `${runId}/${at.step}`;
    item.refine = item.refine.filter((k) => k !== kind);
    refiningSteps.add(step);
    try {
      if (!(await isStored(runId, at, { kind, settings: 'paper' }))) {
        await analyze({ runId, phase: at.phase, epoch: at.epoch }, { kinds: [kind], settings: 'paper' });
      }
      const last = item.refine.length === 0;
      emit({ runId, at, status: last ? 'done' : 'running', settings: 'paper', kind, message: `${kind} refined to the paper's settings` });
    } catch (err) {
      item.refine = [];
      emit({ runId, at, status: 'failed', settings: 'paper', kind, message: (err as Error).message });
    } finally {
      refiningSteps.delete(step);
      forget(item);
    }
  }

  /** Adds `at` to the waiting checkpoints unless it was queued before (the watcher and a catch-up may both find it). */
  const add = (runId: string, at: EpochRef): void => {
    if (!seen.has(`${runId}/${at.step}`)) {
      seen.add(`${runId}/${at.step}`);
      emit({ runId, at, status: 'queued' });
      waiting.push({ runId, at, left: [...kinds], ready: [], refine: [...refineKinds], started: false });
    }
  };

  async function catchUpRun(runId: string): Promise<void> {
    const epochs = await store.listEpochs(runId);
    const lacking: EpochRef[] = [];
    for (const record of epochs.filter((e) => e.checkpoint && !seen.has(`${runId}/${e.step}`))) {
      const keys = [
        ...kinds.map((kind) => [kind, analysisKey(kind, runId, epochs, record)] as const),
        ...refineKinds.map((kind) => [kind, analysisKey(kind, runId, epochs, record, null, 'paper')] as const),
      ];
      const stored = await Promise.all(keys.map(([kind, key]) => (key === null ? Promise.resolve(true) : store.hasAnalysis(kind, key))));
      if (stored.includes(false)) {
        lacking.push({ phase: record.phase, epoch: record.epoch, step: record.step });
      } else {
        seen.add(`${runId}/${record.step}`);
      }
    }
    // All at once, in step order, so the line starts with the newest checkpoint (see nextJob).
    lacking.forEach((at) => add(runId, at));
    pump();
  }

  return {
    enqueue(runId, at) {
      add(runId, at);
      pump();
    },
    catchUp(runId) {
      const caughtUp = (async () => {
        const runs = runId === undefined ? (await store.listRuns()).map((r) => r.id) : [runId];
        for (const id of runs) {
          await catchUpRun(id);
        }
      })();
      const settled = caughtUp.catch(() => {}).finally(() => catchingUp.delete(settled));
      catchingUp.add(settled);
      return caughtUp;
    },
    idle: async () => {
      while (running.size > 0 || catchingUp.size > 0) {
        await Promise.allSettled([...running, ...catchingUp]);
      }
    },
  };
}
