// `serve --redis`: the monitor's analyses go to the shared BullMQ queue that `transferscope worker` processes
// take jobs from, instead of its own forked workers. Several monitors may queue the same checkpoint: a job's id
// (core/queue-protocol.ts) makes it one job. Progress events come from the workers (see queue-worker.ts).
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AnalysisEvent, EpochRef } from '../core/protocol.ts';
import { ANALYSIS_KINDS, type AnalysisKind } from '../core/analysis-protocol.ts';
import { analysisKey, withNeeds } from '../core/analysis-keys.ts';
import { TransferscopeError } from '../core/errors.ts';
import { ANALYSIS_QUEUE, analysisJobId, analysisJobPriority, errorFromJobFailure, type AnalysisJob } from '../core/queue-protocol.ts';
import type { AnalyzeCheckpoint } from './analysis-workers.ts';
import type { AnalysisQueue } from './analysis-queue.ts';
import { claimEvent } from './redis-connection.ts';
import type { Store } from '../store/store.ts';

/**
 * Kept finished jobs: a re-queued checkpoint within the hour is the same job, already done, and a request
 * waiting on it is answered at once. Failed ones go sooner, so a later request tries again.
 */
export const JOB_RETENTION = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 60 }, attempts: 2, backoff: { type: 'fixed', delay: 1000 } } as const;

export interface RedisAnalysis {
  analyze: AnalyzeCheckpoint;
  /** The background line: every checkpoint's `kinds` (with their needs) on the queue, deduplicated across monitors. */
  makeQueue(store: Store, emit: (event: AnalysisEvent) => void, kinds?: readonly AnalysisKind[]): AnalysisQueue;
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
  const queue = new Queue(ANALYSIS_QUEUE, { connection });
  // A blocking reader needs a connection of its own; BullMQ leaves closing a given connection to its owner.
  const eventsConnection = connection.duplicate();
  const queueEvents = new QueueEvents(ANALYSIS_QUEUE, { connection: eventsConnection });
  const ready = queueEvents.waitUntilReady();

  const add = (job: AnalysisJob, step?: number) =>
    queue.add(job.kind, job, { jobId: analysisJobId(job), priority: analysisJobPriority(job.kind, step), ...JOB_RETENTION });

  /** Queues the kind (and what it needs first) and waits for a worker to store it; a view's request ranks first in its kind. */
  const analyze: AnalyzeCheckpoint = async (at, options = {}) => {
    if (options.settings === 'paper') {
      // The queue's jobs carry no settings: a job would store the live estimate, and the caller, reading the
      // paper's result it asked for, would find nothing (a 500 "finished but stored nothing").
      throw new TransferscopeError(
        'NOT_FOUND',
        `The paper's settings of ${at.phase} epoch ${at.epoch} of run '${at.runId}' are not stored, and this monitor's Redis workers compute live estimates only. Ask without settings=paper for the live estimate.`,
      );
    }
    await ready;
    for (const kind of withNeeds(options.kinds ?? ANALYSIS_KINDS)) {
      const job = await add({ ...at, kind, ...(options.reference && kind === 'network' ? { reference: options.reference } : {}) });
      const finished = job.waitUntilFinished(queueEvents).catch((err: Error) => {
        throw errorFromJobFailure(err.message);
      });
      // A withdrawn request stops waiting; the job stays queued, and its result is stored for the next one.
      await (options.signal ? Promise.race([finished, aborted(options.signal)]) : finished);
      if (options.kinds?.includes(kind) ?? true) {
        options.onReady?.(kind);
      }
    }
  };

  const makeQueue = (store: Store, emit: (event: AnalysisEvent) => void, chosen: readonly AnalysisKind[] = ANALYSIS_KINDS): AnalysisQueue => {
    const kinds = withNeeds(chosen);
    const seen = new Set<string>();
    const pending = new Set<Promise<unknown>>();
    const track = <T>(work: Promise<T>): Promise<T> => {
      const settled = work.catch(() => {}).finally(() => pending.delete(settled));
      pending.add(settled);
      return work;
    };
    const enqueue = async (runId: string, at: EpochRef): Promise<void> => {
      if (seen.has(`${runId}/${at.step}`)) {
        return;
      }
      seen.add(`${runId}/${at.step}`);
      const queued: AnalysisEvent = { runId, at, status: 'queued' };
      if (await claimEvent(connection, queued)) {
        emit(queued);
      }
      await Promise.all(kinds.map((kind) => add({ runId, phase: at.phase, epoch: at.epoch, kind, background: kinds }, at.step)));
    };
    const catchUpRun = async (runId: string): Promise<void> => {
      const epochs = await store.listEpochs(runId);
      for (const record of epochs.filter((e) => e.checkpoint && !seen.has(`${runId}/${e.step}`))) {
        const keys = kinds.map((kind) => [kind, analysisKey(kind, runId, epochs, record)] as const);
        const stored = await Promise.all(keys.map(([kind, key]) => (key === null ? Promise.resolve(true) : store.hasAnalysis(kind, key))));
        if (stored.includes(false)) {
          await enqueue(runId, { phase: record.phase, epoch: record.epoch, step: record.step });
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
      await queueEvents.close();
      await queue.close();
      eventsConnection.disconnect();
    },
  };
}
