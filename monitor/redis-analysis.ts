// `serve --redis`: the monitor's analyses go to the shared BullMQ queue that `transferscope worker` processes
// take jobs from, instead of its own forked workers. Several monitors may queue the same checkpoint: a job's id
// (core/queue-protocol.ts) makes it one job. Progress events come from the workers (see queue-worker.ts).
// Refinements to the paper's settings go on a queue of their own (REFINEMENT_QUEUE), which workers run beside the
// live one, pausing a refinement for a live job.
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AnalysisEvent, EpochRef } from '../core/protocol.ts';
import { ANALYSIS_KINDS, type AnalysisKind } from '../core/analysis-protocol.ts';
import { analysisKey, withNeeds } from '../core/analysis-keys.ts';
import { TransferscopeError } from '../core/errors.ts';
import { REFINABLE_KINDS } from '../core/analysis-settings.ts';
import {
  ANALYSIS_QUEUE,
  REFINEMENT_QUEUE,
  analysisJobId,
  analysisQueueOf,
  errorFromJobFailure,
  jobPriority,
  type AnalysisJob,
} from '../core/queue-protocol.ts';
import type { AnalyzeCheckpoint } from './analysis-workers.ts';
import type { AnalysisQueue, AnalysisQueueOptions } from './analysis-queue.ts';
import { claimEvent } from './redis-connection.ts';
import type { Store } from '../store/store.ts';

/**
 * Kept finished jobs: a re-queued checkpoint within the hour is the same job, already done, and a request
 * waiting on it is answered at once. Failed ones go sooner, so a later request tries again.
 */
export const JOB_RETENTION = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 60 }, attempts: 2, backoff: { type: 'fixed', delay: 1000 } } as const;

export interface RedisAnalysis {
  analyze: AnalyzeCheckpoint;
  /**
   * The background line: every checkpoint's `kinds` (with their needs) on the queue, deduplicated across monitors;
   * with `refine`, each checkpoint's refinable kinds at the paper's settings too, on the refinement queue.
   */
  makeQueue(store: Store, emit: (event: AnalysisEvent) => void, options?: AnalysisQueueOptions): AnalysisQueue;
  close(): Promise<void>;
}

const aborted = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    const fail = () => reject(new TransferscopeError('INTERNAL', 'The request was withdrawn.'));
    if (signal.aborted) {
      fail();
    }
    signal.addEventListener('abort', fail, { once: true });
  });

/** The monitor's side of the queue on `connection` (its own; closed with it). */
export function makeRedisAnalysis(connection: Redis): RedisAnalysis {
  // Live jobs and refinements, each queue with its events: a request waits for its job's end on its own queue.
  const queues = new Map([ANALYSIS_QUEUE, REFINEMENT_QUEUE].map((name) => [name, new Queue(name, { connection })]));
  // A blocking reader needs a connection of its own; BullMQ leaves closing a given connection to its owner.
  const eventsConnections = [ANALYSIS_QUEUE, REFINEMENT_QUEUE].map(() => connection.duplicate());
  const queueEvents = new Map([ANALYSIS_QUEUE, REFINEMENT_QUEUE].map((name, i) => [name, new QueueEvents(name, { connection: eventsConnections[i]! })]));
  const ready = Promise.all([...queueEvents.values()].map((events) => events.waitUntilReady()));

  const add = (job: AnalysisJob, step?: number) =>
    queues.get(analysisQueueOf(job))!.add(job.kind, job, { jobId: analysisJobId(job), priority: jobPriority(job, step), ...JOB_RETENTION });

  /** The kinds the background line refines (`serve` refines; set by makeQueue), in the order they are refined. */
  let lineRefines: readonly AnalysisKind[] = [];
  /** A refinable kind's paper job: with what the line refines after it, so the worker storing it queues the next. */
  const paperJob = (runId: string, at: Pick<EpochRef, 'phase' | 'epoch'>, kind: AnalysisKind): AnalysisJob => ({
    runId,
    phase: at.phase,
    epoch: at.epoch,
    kind,
    settings: 'paper',
    ...(lineRefines.includes(kind) ? { refineNext: lineRefines.slice(lineRefines.indexOf(kind) + 1) } : {}),
  });

  /** Queues the kind (and what it needs first) and waits for a worker to store it; a view's request ranks first in its kind (or among refinements). */
  const analyze: AnalyzeCheckpoint = async (at, options = {}) => {
    await ready;
    for (const kind of withNeeds(options.kinds ?? ANALYSIS_KINDS)) {
      // Kinds that no step count changes have the live setting only (settingsOf): their live job is the paper's.
      const reference = options.reference && kind === 'network' ? options.reference : undefined;
      const paper = options.settings === 'paper' && REFINABLE_KINDS.includes(kind);
      // Against a chosen reference it is a job of its own, never one the line queues (which has none).
      const job: AnalysisJob =
        paper && !reference ? paperJob(at.runId, at, kind) : { ...at, kind, ...(reference ? { reference } : {}), ...(paper ? { settings: 'paper' } : {}) };
      const added = await add(job);
      const finished = added.waitUntilFinished(queueEvents.get(analysisQueueOf(job))!).catch((err: Error) => {
        throw errorFromJobFailure(err.message);
      });
      // A withdrawn request stops waiting; the job stays queued, and its result is stored for the next one.
      await (options.signal ? Promise.race([finished, aborted(options.signal)]) : finished);
      if (options.kinds?.includes(kind) ?? true) {
        options.onReady?.(kind);
      }
    }
  };

  const makeQueue = (store: Store, emit: (event: AnalysisEvent) => void, options: AnalysisQueueOptions = {}): AnalysisQueue => {
    const kinds = withNeeds(options.kinds ?? ANALYSIS_KINDS);
    lineRefines = options.refine ? kinds.filter((k) => REFINABLE_KINDS.includes(k)) : [];
    const seen = new Set<string>();
    const pending = new Set<Promise<unknown>>();
    const track = <T>(work: Promise<T>): Promise<T> => {
      const settled = work.catch(() => {}).finally(() => pending.delete(settled));
      pending.add(settled);
      return work;
    };
    /**
     * Queues the checkpoint's live kinds and, from `refineFrom` on, its first refinement: the worker that stores a
     * refinement queues the next (a features refinement reuses the network refinement's stored target rows).
     */
    const enqueue = async (runId: string, at: EpochRef, refineFrom: AnalysisKind | undefined = lineRefines[0]): Promise<void> => {
      if (seen.has(`${runId}/${at.step}`)) {
        return;
      }
      seen.add(`${runId}/${at.step}`);
      const queued: AnalysisEvent = { runId, at, status: 'queued' };
      if (await claimEvent(connection, queued)) {
        emit(queued);
      }
      await Promise.all(kinds.map((kind) => add({ runId, phase: at.phase, epoch: at.epoch, kind, background: kinds }, at.step)));
      if (refineFrom) {
        await add(paperJob(runId, at, refineFrom), at.step);
      }
    };
    const catchUpRun = async (runId: string): Promise<void> => {
      const epochs = await store.listEpochs(runId);
      for (const record of epochs.filter((e) => e.checkpoint && !seen.has(`${runId}/${e.step}`))) {
        const keys = [
          ...kinds.map((kind) => [kind, analysisKey(kind, runId, epochs, record)] as const),
          ...lineRefines.map((kind) => [kind, analysisKey(kind, runId, epochs, record, null, 'paper')] as const),
        ];
        const stored = await Promise.all(keys.map(([kind, key]) => (key === null ? Promise.resolve(true) : store.hasAnalysis(kind, key))));
        if (stored.includes(false)) {
          // The refinement resumes at its first kind not stored (its network refinement may be, from before).
          const refineFrom = lineRefines.find((_, i) => !stored[kinds.length + i]);
          await enqueue(runId, { phase: record.phase, epoch: record.epoch, step: record.step }, refineFrom);
        } else {
          seen.add(`${runId}/${record.step}`);
        }
      }
    };
    return {
      enqueue(runId, at) {
        track(enqueue(runId, at)).catch((err: Error) => console.error(`monitor: queueing ${runId} ${at.phase} ${at.epoch} on Redis failed: ${err.message}`));
      },
      catchUp(runId) {
        return track(
          (async () => {
            const runs = runId === undefined ? (await store.listRuns()).map((r) => r.id) : [runId];
            for (const id of runs) {
              await catchUpRun(id);
            }
          })(),
        );
      },
      setParallelism() {
        // Jobs run in `transferscope worker` processes, each as many at once as its own --concurrency.
      },
      idle: async () => {
        while (pending.size > 0) {
          await Promise.allSettled([...pending]);
        }
      },
    };
  };

  return {
    analyze,
    makeQueue,
    async close() {
      await Promise.all([...queueEvents.values()].map((events) => events.close()));
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      eventsConnections.forEach((c) => c.disconnect());
    },
  };
}
