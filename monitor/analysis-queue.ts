// Analyses each new checkpoint in the background and reports progress. One job at a time while a trainer holds
// the other core; once no training is live, as many at once as the monitor is told (setParallelism: the free
// cores). Network abstractions first, newest checkpoint first: the analyses of a checkpoint cost more than an
// epoch of the demo, so when training outpaces them the network abstraction of the checkpoint a live dashboard
// shows is computed before anything older or cheaper. A more urgent kind does not wait for a running job of a
// less urgent one: it starts beside it, and the analyzer pauses the less urgent worker while the two would share
// a slot. Checkpoints committed while no monitor ran are caught up: at start, and whenever a run shows
// checkpoints the queue never saw. With `refine`, a checkpoint whose live analyses are done is then refined to
// the paper's settings, at the lowest priority, newest first, and paused by the workers when a live one arrives.
import type { AnalysisEvent, EpochRef } from '../core/protocol.ts';
import { ANALYSIS_KINDS, type AnalysisKind } from '../core/analysis-protocol.ts';
import { analysisKey } from '../core/analysis-keys.ts';
import { REFINABLE_KINDS } from '../core/analysis-settings.ts';
import { CHAINED_KINDS } from '../core/queue-protocol.ts';
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
  /**
   * How many jobs may run at once from now on (at least 1; 1 until told): the monitor raises it to the free cores
   * when no training run is live and lowers it to 1 when one starts. Running jobs are never stopped by it.
   */
  setParallelism(jobs: number): void;
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

/** A checkpoint with kinds left to compute: live ones (`left`), then refinements (`refine`). */
interface WaitingCheckpoint {
  runId: string;
  at: EpochRef;
  left: AnalysisKind[];
  ready: AnalysisKind[];
  refine: AnalysisKind[];
  started: boolean;
  /** Live kinds of this checkpoint in flight (at most one: see mustWait). */
  inFlight: Set<AnalysisKind>;
}

/**
 * The checkpoints whose models a network job at `at` attributes: itself and its reference (analysisKey's rule,
 * over the checkpoints the queue knows), or null when the reference is not known yet.
 */
function attributedModels(known: readonly EpochRef[], at: EpochRef): number[] | null {
  const sources = known.filter((c) => c.phase === 'source' && (at.phase === 'target' || c.step < at.step));
  if (at.phase === 'target' && sources.length === 0) {
    return null;
  }
  const reference = sources.reduce<EpochRef | null>((latest, c) => (latest && latest.step > c.step ? latest : c), null);
  return reference ? [at.step, reference.step] : [at.step];
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
  const waiting: WaitingCheckpoint[] = [];
  /** Every checkpoint of each run the queue knows of, so a network job's reference model is known without a store read. */
  const checkpoints = new Map<string, EpochRef[]>();
  let parallel = 1;

  /** Live chained kinds in flight, as `run/kind`: each computes the earlier checkpoints lacking theirs first. */
  const chainedInFlight = new Set<string>();
  /** Models (as `run/settings/step`) that network jobs in flight attribute, and those a finished one stored. */
  const claimedModels = new Map<string, number>();
  const attributed = new Set<string>();
  const modelIds = (item: WaitingCheckpoint, settings: AnalysisSettingsName): string[] | null =>
    attributedModels(checkpoints.get(item.runId) ?? [], item.at)?.map((step) => `${item.runId}/${settings}/${step}`) ?? null;

  /**
   * Whether `job` must wait for a job in flight (with several at once): another kind of the same checkpoint, an
   * earlier checkpoint of a chained kind, or a network job attributing a model whose conductances are not stored
   * yet (the final source model is every target checkpoint's reference): else it would compute them again. A
   * features refinement also waits for a network refinement still to store its model's conductances.
   */
  function mustWait(item: WaitingCheckpoint, { kind, settings }: QueueJob): boolean {
    if (settings === 'paper') {
      if (refiningSteps.has(`${item.runId}/${item.at.step}`)) {
        return true;
      }
    } else if (item.inFlight.size > 0 || item.left[0] !== kind || (CHAINED_KINDS.includes(kind) && chainedInFlight.has(`${item.runId}/${kind}`))) {
      // A checkpoint's live kinds run in order, one at a time: its needs come first (features need the network
      // abstraction), and its progress events name the kinds in the stages' order.
      return true;
    }
    if (kind === 'features' && settings === 'paper') {
      // Paper §5.4 on the refined conductance: the features stage reuses the network stage's stored target rows of
      // the checkpoint's model. It waits for a network job that will store them, as in the newest-first serial
      // order, or it computes them itself (again, and equal only to within float rounding).
      const own = `${item.runId}/${settings}/${item.at.step}`;
      return !attributed.has(own) && (claimedModels.has(own) || waiting.some((w) => w.refine.includes('network') && modelIds(w, settings)?.includes(own)));
    }
    if (kind !== 'network') {
      return false;
    }
    const models = modelIds(item, settings);
    if (models === null) {
      return [...claimedModels.keys()].some((id) => id.startsWith(`${item.runId}/${settings}/`));
    }
    return models.some((id) => claimedModels.has(id) && !attributed.has(id));
  }

  /**
   * The next job: the earliest kind in ANALYSIS_KINDS that any checkpoint still needs live, for the newest such
   * checkpoint; only when none can start, the newest checkpoint's next refinement (which needs its live kinds
   * done). Jobs that would repeat the work of one in flight are passed over until it ends.
   */
  function nextJob(): { item: WaitingCheckpoint; job: QueueJob } | null {
    const newestFirst = [...waiting].reverse();
    for (const kind of kinds) {
      const item = newestFirst.find((w) => w.left.includes(kind) && !mustWait(w, { kind, settings: 'live' }));
      if (item) {
        return { item, job: { kind, settings: 'live' } };
      }
    }
    const item = newestFirst.find((w) => w.refine.length > 0 && !mustWait(w, { kind: w.refine[0]!, settings: 'paper' }));
    return item ? { item, job: { kind: item.refine[0]!, settings: 'paper' } } : null;
  }

  /** Marks the models a network job attributes as in flight; the returned function releases them (stored: their conductances are now stored). */
  function claimModels(item: WaitingCheckpoint, settings: AnalysisSettingsName): (stored: boolean) => void {
    const models = modelIds(item, settings) ?? [`${item.runId}/${settings}/${item.at.step}`];
    models.forEach((id) => claimedModels.set(id, (claimedModels.get(id) ?? 0) + 1));
    return (stored) => {
      for (const id of models) {
        const left = claimedModels.get(id)! - 1;
        if (left === 0) {
          claimedModels.delete(id);
        } else {
          claimedModels.set(id, left);
        }
        if (stored) {
          attributed.add(id);
        }
      }
    };
  }

  /** Whether the job's result is stored: null when there is none to compute (no reference to compare with yet). */
  async function isStored(runId: string, at: EpochRef, { kind, settings }: QueueJob): Promise<boolean | null> {
    const epochs = await store.listEpochs(runId);
    const record = epochs.find((e) => e.step === at.step);
    const key = record ? analysisKey(kind, runId, epochs, record, null, settings) : null;
    return key === null ? null : store.hasAnalysis(kind, key);
  }

  /** Catch-ups still reading the store: idle() waits for them, so the store is not closed under them. */
  const catchingUp = new Set<Promise<void>>();
  /** The jobs in flight, and their urgencies. */
  const running = new Set<Promise<void>>();
  const runningUrgencies: number[] = [];
  /** Checkpoints with a refinement in flight: their features refinement ranks the network one's stored result. */
  const refiningSteps = new Set<string>();
  // Every refinement ranks below every live kind (it improves what a view shows, a live kind makes it show anything),
  // and all rank alike, so while one job at a time is allowed one refinement runs at a time.
  const urgency = ({ kind, settings }: QueueJob): number => (settings === 'paper' ? ANALYSIS_KINDS.length : ANALYSIS_KINDS.indexOf(kind));

  /** Starts the next jobs: while fewer than `parallel` run, or one more urgent than every job in flight. */
  function pump(): void {
    for (let next = nextJob(); next && (running.size < parallel || runningUrgencies.every((u) => urgency(next!.job) < u)); next = nextJob()) {
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

  const forget = (item: WaitingCheckpoint): void => {
    if (item.left.length === 0 && item.refine.length === 0 && waiting.includes(item)) {
      waiting.splice(waiting.indexOf(item), 1);
    }
  };

  async function run(item: WaitingCheckpoint, kind: AnalysisKind): Promise<void> {
    const { runId, at } = item;
    item.left = item.left.filter((k) => k !== kind);
    item.inFlight.add(kind);
    const chain = CHAINED_KINDS.includes(kind) ? `${runId}/${kind}` : null;
    if (chain) {
      chainedInFlight.add(chain);
    }
    const release = kind === 'network' ? claimModels(item, 'live') : null;
    let stored = false;
    if (!item.started) {
      item.started = true;
      emit({ runId, at, status: 'running' });
    }
    try {
      const done = await isStored(runId, at, { kind, settings: 'live' });
      if (done === false) {
        await analyze({ runId, phase: at.phase, epoch: at.epoch }, { kinds: [kind] });
      }
      stored = done !== null;
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
    } finally {
      item.inFlight.delete(kind);
      if (chain) {
        chainedInFlight.delete(chain);
      }
      release?.(stored);
    }
  }

  /** Refines `kind` of a checkpoint whose live analyses are done; its events carry `settings: 'paper'` and the kind. */
  async function refine(item: WaitingCheckpoint, kind: AnalysisKind): Promise<void> {
    const { runId, at } = item;
    const step = `${runId}/${at.step}`;
    item.refine = item.refine.filter((k) => k !== kind);
    refiningSteps.add(step);
    const release = kind === 'network' ? claimModels(item, 'paper') : null;
    let stored = false;
    try {
      const done = await isStored(runId, at, { kind, settings: 'paper' });
      if (done === false) {
        await analyze({ runId, phase: at.phase, epoch: at.epoch }, { kinds: [kind], settings: 'paper' });
      }
      stored = done !== null;
      const last = item.refine.length === 0;
      emit({ runId, at, status: last ? 'done' : 'running', settings: 'paper', kind, message: `${kind} refined to the paper's settings` });
    } catch (err) {
      item.refine = [];
      emit({ runId, at, status: 'failed', settings: 'paper', kind, message: (err as Error).message });
    } finally {
      refiningSteps.delete(step);
      release?.(stored);
      forget(item);
    }
  }

  const know = (runId: string, at: EpochRef): void => {
    const known = checkpoints.get(runId) ?? [];
    if (!known.some((c) => c.step === at.step)) {
      checkpoints.set(runId, [...known, at]);
    }
  };

  /** Adds `at` to the waiting checkpoints unless it was queued before (the watcher and a catch-up may both find it). */
  const add = (runId: string, at: EpochRef): void => {
    if (!seen.has(`${runId}/${at.step}`)) {
      seen.add(`${runId}/${at.step}`);
      know(runId, at);
      emit({ runId, at, status: 'queued' });
      waiting.push({ runId, at, left: [...kinds], ready: [], refine: [...refineKinds], started: false, inFlight: new Set() });
    }
  };

  async function catchUpRun(runId: string): Promise<void> {
    const epochs = await store.listEpochs(runId);
    const lacking: EpochRef[] = [];
    for (const record of epochs.filter((e) => e.checkpoint)) {
      know(runId, { phase: record.phase, epoch: record.epoch, step: record.step });
    }
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
    setParallelism(jobs) {
      parallel = Math.max(1, Math.floor(jobs));
      pump();
    },
    idle: async () => {
      while (running.size > 0 || catchingUp.size > 0) {
        await Promise.allSettled([...running, ...catchingUp]);
      }
    },
  };
}
