// Forks one analysis worker process per job (analysis/worker.ts) and hands its typed reports back. Also keeps
// the pool's watchdog, so that workers die with the monitor however it ends.
import { fork, type ChildProcess } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseWorkerReport, type WatchdogMessage, type WorkerReport, type WorkerRequest } from '../core/worker-protocol.ts';
import { TransferscopeError } from '../core/errors.ts';
import type { Slot } from './concurrency-limit.ts';

const WORKER_ENTRY = fileURLToPath(new URL('../analysis/worker-entry.js', import.meta.url));
const WATCHDOG = fileURLToPath(new URL('../analysis/worker-watchdog.js', import.meta.url));
/** How long close() lets a cancelled worker exit by itself: one busy in a long synchronous kernel reads `cancel` late. */
const CANCEL_GRACE_MS = 2000;
/**
 * The niceness of a refinement to the paper's settings: minutes of tfjs work that only improves what a view
 * shows, so the monitor's own threads (answering dashboards) take the cores first. With a refinement at the
 * same priority, 200 dashboards' p95 was about 200 ms longer on the loaded 2-core machine (issue 15 item 7).
 */
export const REFINEMENT_NICENESS = 10; // added to the monitor's own

export type WorkerJob = Exclude<WorkerRequest, { type: 'cancel' }>;
/** The report a job ends with. */
export type FinalReport = Extract<WorkerReport, { type: 'done' | 'feature' | 'extra-points' }>;

export interface WorkerProcesses {
  /**
   * Forks a worker for `job`, registers it with `slot` as pausable (SIGSTOP / SIGCONT) and passes each
   * progress report to `onReport`. Resolves with the final report; rejects with the worker's error (its code
   * and message), or INTERNAL when it exited without one.
   */
  run(job: WorkerJob, slot: Slot, onReport: (report: WorkerReport) => void): Promise<FinalReport>;
  /** Workers forked so far. */
  readonly started: number;
  /** Kills every worker and the watchdog and waits for the workers to exit; later runs reject. */
  close(): Promise<void>;
}

/** What `ps` shows for a worker: its job, so an operator (and a test reading /proc) can tell workers apart. */
function describe(job: WorkerJob): string[] {
  const what =
    job.type === 'analyse'
      ? ['--kind', job.kinds?.join(',') ?? 'all']
      : job.type === 'render-feature'
        ? ['--layer', job.layer, '--neuron', String(job.neuron)]
        : ['--set', job.set, '--classes', job.classes.join(',')];
  return [job.type, '--db', job.db, '--run', job.runId, '--phase', job.phase, '--epoch', String(job.epoch), ...what];
}

export function makeWorkerProcesses(env: NodeJS.ProcessEnv = process.env): WorkerProcesses {
  const workers = new Map<ChildProcess, { jobId: string; exited: Promise<void> }>();
  const stopped = new Set<ChildProcess>();
  let watchdog: ChildProcess | null = null;
  let started = 0;
  let closed = false;

  // A stopped worker cannot act on its closed channel, and process 'exit' handlers still run on an uncaught
  // error or process.exit: continue and end the workers there. Installed with the first worker, removed in close().
  const onExit = (): void => {
    for (const worker of workers.keys()) {
      worker.kill('SIGKILL');
    }
  };

  const tellWatchdog = (message: WatchdogMessage): void => {
    if (!watchdog) {
      watchdog = fork(WATCHDOG, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
      watchdog.on('error', () => {}); // a watchdog killed from outside only loses its protection, never the job
      // Neither it nor its channel keeps the monitor's event loop alive.
      watchdog.unref();
      watchdog.channel?.unref();
      process.on('exit', onExit);
    }
    if (watchdog.connected) {
      watchdog.send(message);
    }
  };

  const run: WorkerProcesses['run'] = (job, slot, onReport) =>
    new Promise((resolve, reject) => {
      if (closed) {
        reject(new TransferscopeError('INTERNAL', `The monitor is shutting down; ${job.phase} epoch ${job.epoch} of run '${job.runId}' was not processed.`));
        return;
      }
      const worker = fork(WORKER_ENTRY, describe(job), {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'advanced',
        execArgv: [],
        env,
      });
      started++;
      if (job.type === 'analyse' && job.settings === 'paper' && worker.pid !== undefined) {
        try {
          setPriority(worker.pid, Math.min(19, getPriority() + REFINEMENT_NICENESS));
        } catch {
          // Only the refinement's share of the cores is lost, never the job.
        }
      }
      tellWatchdog({ type: 'watch', pid: worker.pid! });
      if (process.platform !== 'win32') {
        // A stopped worker keeps its memory and its work; Windows has no SIGSTOP, so there the line only waits.
        slot.pausable({
          pause: () => {
            worker.kill('SIGSTOP');
            stopped.add(worker);
          },
          resume: () => {
            worker.kill('SIGCONT');
            stopped.delete(worker);
          },
        });
      }
      let stderr = '';
      worker.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-16_384); // only its last line is ever reported
      });
      let ending: WorkerReport | null = null;
      worker.on('message', (value: unknown) => {
        let report: WorkerReport;
        try {
          report = parseWorkerReport(value);
        } catch (err) {
          ending = { type: 'failed', jobId: job.jobId, error: { code: 'INTERNAL', message: (err as Error).message } };
          worker.kill('SIGKILL');
          return;
        }
        if (report.jobId !== job.jobId) {
          return;
        }
        if (report.type === 'done' || report.type === 'feature' || report.type === 'extra-points' || report.type === 'failed') {
          ending = report;
        } else {
          onReport(report);
        }
      });
      workers.set(worker, { jobId: job.jobId, exited: new Promise((exited) => worker.once('close', () => exited())) });
      worker.once('error', reject);
      worker.once('close', (code, signal) => {
        workers.delete(worker);
        stopped.delete(worker);
        tellWatchdog({ type: 'unwatch', pid: worker.pid! });
        const end = ending as WorkerReport | null;
        if (end?.type === 'done' || end?.type === 'feature' || end?.type === 'extra-points') {
          resolve(end);
        } else if (end?.type === 'failed') {
          reject(new TransferscopeError(end.error.code, end.error.message));
        } else {
          const last = stderr.trim().split('\n').at(-1) || (signal ? `killed by ${signal}` : `exit code ${code}`);
          reject(new TransferscopeError('INTERNAL', `The worker for ${job.phase} epoch ${job.epoch} of run '${job.runId}' ended without an answer: ${last}`));
        }
      });
      worker.send(job);
    });

  return {
    run,
    get started() {
      return started;
    },
    async close() {
      closed = true;
      await Promise.all(
        [...workers].map(async ([worker, { jobId, exited }]) => {
          if (worker.connected) {
            worker.send({ type: 'cancel', jobId } satisfies WorkerRequest);
          }
          worker.kill('SIGCONT'); // a stopped worker reads its messages only once it runs again
          const force = setTimeout(() => worker.kill('SIGKILL'), CANCEL_GRACE_MS);
          await exited;
          clearTimeout(force);
        }),
      );
      watchdog?.kill('SIGKILL');
      process.off('exit', onExit);
    },
  };
}
