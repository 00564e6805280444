// `transferscope worker`: takes analysis jobs from the Redis queue that `serve --redis` monitors fill, runs each
// in a forked analysis process (as the monitor's own pool does, so this process's event loop stays free to keep
// BullMQ's job lock alive through a minute of tensor work), and reports progress to every monitor's clients.
// Live jobs and refinements come from two queues, run over one pool of processes: a live job arriving while every
// slot runs a refinement pauses one (SIGSTOP, as the monitor's own pool does) instead of waiting minutes for it.
import { Queue, Worker, type Job } from 'bullmq';
import { Emitter } from '@socket.io/redis-emitter';
import type { AnalysisEvent, EpochRecord, ServerToClientEvents } from '../core/protocol.ts';
import type { AnalysisKind } from '../core/analysis-protocol.ts';
import { analysisKey, withNeeds } from '../core/analysis-keys.ts';
import {
  ANALYSIS_QUEUE,
  REFINEMENT_QUEUE,
  analysisJobId,
  analysisLockName,
  errorFromJobFailure,
  jobFailureReason,
  jobPriority,
  parseAnalysisJob,
  type AnalysisJob,
} from '../core/queue-protocol.ts';
import { TransferscopeError } from '../core/errors.ts';
import { makeAnalysisWorkers } from './analysis-workers.ts';
import { JOB_RETENTION } from './redis-analysis.ts';
import { analysisLockMs, claimEvent, connectRedis, withLock } from './redis-connection.ts';
import type { Store } from '../store/store.ts';

export interface QueueWorkerOptions {
  store: Store;
  redisUrl: string;
  /**
   * Analysis processes at once (default 1: one analysis uses a core). Live jobs and refinements are each taken up
   * to this many at once; a live job beyond the slots pauses a running refinement until it is done.
   */
  concurrency?: number;
  /** Called with one line per job start and end (the CLI prints them). */
  log?: (line: string) => void;
}

export interface QueueWorker {
  /** Jobs this worker finished. */
  readonly completed: number;
  /** Stops taking jobs, lets running ones finish, and disconnects. */
  close(): Promise<void>;
}

/**
 * BullMQ's lock on an active job; the worker renews it every half of this. A SIGKILLed worker stops renewing,
 * and another worker's stalled-job check (every half of it) puts the job back on the queue.
 */
const JOB_LOCK_MS = analysisLockMs();

/** Starts taking jobs; resolves once connected. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const { store } = options;
  const log = options.log ?? (() => {});
  const concurrency = options.concurrency ?? 1;
  const redis = connectRedis(options.redisUrl);
  const events = new Emitter<ServerToClientEvents>(redis);
  const processes = makeAnalysisWorkers(store.location, concurrency);
  // Where a stored refinement's follow-up goes (a Queue only writes, so it shares the connection).
  const refinements = new Queue(REFINEMENT_QUEUE, { connection: redis });
  let completed = 0;

  const publish = async (event: AnalysisEvent): Promise<void> => {
    if (await claimEvent(redis, event)) {
      events.to(event.runId).emit('analysis', event);
    }
  };

  /** Which of `kinds` of the checkpoint are stored now (a kind with nothing to compute there counts as stored). */
  const storedKinds = async (kinds: readonly AnalysisKind[], runId: string, epochs: EpochRecord[], at: EpochRecord): Promise<AnalysisKind[]> => {
    const stored = await Promise.all(
      kinds.map(async (kind) => {
        const key = analysisKey(kind, runId, epochs, at);
        return key === null || (await store.hasAnalysis(kind, key));
      }),
    );
    return kinds.filter((_, i) => stored[i]);
  };

  const runJob = async (job: AnalysisJob): Promise<void> => {
    const epochs = await store.listEpochs(job.runId);
    const record = epochs.find((e) => e.phase === job.phase && e.epoch === job.epoch && e.checkpoint);
    if (!record) {
      throw new TransferscopeError('EPOCH_NOT_FOUND', `Run '${job.runId}' has no checkpoint at ${job.phase} epoch ${job.epoch}.`);
    }
    const at = { phase: record.phase, epoch: record.epoch, step: record.step };
    const background = job.background;
    if (background) {
      await publish({ runId: job.runId, at, status: 'running' });
    }
    // A kind's needs first (at the job's settings: a features refinement needs the network refinement), each under
    // its own lock: a features job and a network job of one checkpoint on two workers would otherwise both compute
    // the network abstraction.
    const settings = job.settings ?? 'live';
    for (const kind of withNeeds([job.kind])) {
      const reference = kind === job.kind ? job.reference : undefined;
      const key = analysisKey(kind, job.runId, epochs, record, reference, settings);
      if (key === null || (kind !== job.kind && (await store.hasAnalysis(kind, key)))) {
        continue;
      }
      await withLock(redis, analysisLockName({ ...job, kind, ...(reference ? { reference } : {}) }), () =>
        processes.analyze(
          { runId: job.runId, phase: job.phase, epoch: job.epoch },
          { kinds: [kind], ...(reference ? { reference } : {}), ...(job.settings ? { settings: job.settings } : {}) },
        ),
      );
    }
    if (background) {
      const ready = await storedKinds(background, job.runId, epochs, record);
      const done = ready.length === background.length;
      await publish({ runId: job.runId, at, status: done ? 'done' : 'running', ...(done ? {} : { message: `${ready.join(', ')} ready` }) });
    }
    if (job.settings === 'paper') {
      // The line's next refinement of this checkpoint goes on the queue only now that this one is stored (its
      // features refinement reuses the network refinement's target rows); its id makes it one job however many
      // workers or monitors get here. A view's request (no refineNext) has none.
      const [kind, ...after] = job.refineNext ?? [];
      if (kind) {
        const followUp: AnalysisJob = { runId: job.runId, phase: job.phase, epoch: job.epoch, kind, settings: 'paper', refineNext: after };
        await refinements.add(kind, followUp, { jobId: analysisJobId(followUp), priority: jobPriority(followUp, record.step), ...JOB_RETENTION });
      }
      // Every refinement stored is announced, a view's request's too: a view showing the checkpoint fetches it again.
      await publish({
        runId: job.runId,
        at,
        status: kind ? 'running' : 'done',
        settings: 'paper',
        kind: job.kind,
        message: `${job.kind} refined to the paper's settings`,
      });
    }
  };

  const processJob = async (bullJob: Job): Promise<void> => {
    const job = parseAnalysisJob(bullJob.data);
    const name = `${job.kind}${job.settings === 'paper' ? " at the paper's settings" : ''} of ${job.runId} ${job.phase} epoch ${job.epoch}`;
    const started = performance.now();
    log(`${name}…`);
    try {
      await runJob(job);
    } catch (err) {
      log(`${name} failed: ${(err as Error).message}`);
      // The code crosses the queue in the reason, so a monitor answers a request with the right status.
      throw new Error(jobFailureReason(err), { cause: err });
    }
    log(`${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    completed++;
  };
  const reportFailure = (bullJob: Job | undefined, err: Error): void => {
    const attempts = bullJob?.opts.attempts ?? 1;
    if (bullJob && bullJob.attemptsMade >= attempts) {
      const job = parseAnalysisJob(bullJob.data);
      store
        .listEpochs(job.runId)
        .then((epochs) => epochs.find((e) => e.phase === job.phase && e.epoch === job.epoch))
        .then((record) =>
          // The line's jobs report their failure, and every refinement (as its success is).
          record && (job.background || job.settings === 'paper')
            ? publish({
                runId: job.runId,
                at: { phase: record.phase, epoch: record.epoch, step: record.step },
                status: 'failed',
                message: errorFromJobFailure(err.message).message,
                ...(job.settings === 'paper' ? { settings: job.settings, kind: job.kind } : {}),
              })
            : undefined,
        )
        .catch(() => {});
    }
  };

  // One BullMQ Worker a queue, each taking up to `concurrency` jobs, over the one pool of `concurrency` processes:
  // the pool ranks a paper job below every live kind, so a live job pauses a running refinement and takes its slot.
  // The paused refinement's BullMQ lock is renewed by its Worker's timer in this process (only the child process
  // is stopped), so no other worker takes it as stalled. A queue with nothing on it costs one blocked connection.
  const workerConnections = [ANALYSIS_QUEUE, REFINEMENT_QUEUE].map(() => redis.duplicate());
  const workers = [ANALYSIS_QUEUE, REFINEMENT_QUEUE].map((name, i) => {
    // BullMQ blocks on its connection while waiting for a job, and leaves closing it to its owner.
    const worker = new Worker(name, processJob, {
      connection: workerConnections[i]!,
      concurrency,
      lockDuration: JOB_LOCK_MS,
      stalledInterval: JOB_LOCK_MS / 2,
      maxStalledCount: 2,
    });
    worker.on('failed', reportFailure);
    // BullMQ reports connection trouble here; without a listener Node would treat it as uncaught.
    worker.on('error', (err) => log(`queue: ${err.message}`));
    return worker;
  });
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  return {
    get completed() {
      return completed;
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await refinements.close();
      await processes.close();
      workerConnections.forEach((c) => c.disconnect());
      redis.disconnect();
    },
  };
}
