// Runs every missing analysis of one checkpoint in a child `transferscope analyze` process: the tensor
// work takes tens of seconds, which in the server's own event loop would freeze the API and live updates.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Phase } from './protocol.ts';
import type { AnalysisKind } from './analysis-protocol.ts';
import { TransferscopeError } from './errors.ts';
import { makeSharedRequests } from './shared-requests.ts';

export interface CheckpointRef {
  runId: string;
  phase: Phase;
  epoch: number;
}

/**
 * Resolves once every kind of analysis of the checkpoint (or only `kinds`) is stored, or rejects with why not.
 * A request names its kind, so a few-second instance layout never waits for a minute-long network abstraction.
 * `signal` (the HTTP request's, aborted when the browser gives up on it) withdraws the call; see the analyzer.
 */
export type AnalyzeCheckpoint = (checkpoint: CheckpointRef, kinds?: readonly AnalysisKind[], signal?: AbortSignal) => Promise<void>;

const CLI = fileURLToPath(new URL('../bin/transferscope.js', import.meta.url));

/**
 * At most this many analysis children run at once; the rest wait in order. Scrubbing fast through checkpoints
 * that were never analysed asks for several kinds at each, and unbounded children (each a minute of tensor
 * work) starved the API itself: the dashboard-latency bench timed out on a confusion table. Two, not one, so
 * a view's cheap request is not always stuck behind the background queue's minute-long network abstraction.
 */
export const MAX_ANALYSIS_CHILDREN = 2;

/**
 * Runs tasks with at most `max` in flight; the rest start in call order as earlier ones settle. A waiting task
 * whose `signal` aborts leaves the line without running (rejecting with the signal's reason).
 */
export function makeConcurrencyLimit(max: number): <T>(task: () => Promise<T>, signal?: AbortSignal) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task, signal) => {
    signal?.throwIfAborted();
    if (running < max) {
      running++;
    } else {
      // A settling task hands its slot straight to the next waiter, so `running` never exceeds `max`.
      await new Promise<void>((resolve, reject) => {
        const leave = (): void => {
          waiting.splice(waiting.indexOf(take), 1);
          reject(signal!.reason);
        };
        const take = (): void => {
          signal?.removeEventListener('abort', leave);
          resolve();
        };
        waiting.push(take);
        signal?.addEventListener('abort', leave, { once: true });
      });
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) {
        next();
      } else {
        running--;
      }
    }
  };
}

/**
 * An AnalyzeCheckpoint that spawns `transferscope analyze` against the store at `db`. Concurrent calls for
 * one checkpoint (a request racing the background queue) share one child instead of racing to store.
 *
 * When every caller of a waiting child has withdrawn (the user scrubbed past the checkpoint), it leaves the
 * line, so the checkpoint now on screen does not wait behind abandoned ones. A child that already started is
 * left to finish: its result is stored and reused, and killing it would throw away up to a minute of work.
 */
export function makeChildProcessAnalyzer(db: string, maxChildren = MAX_ANALYSIS_CHILDREN): AnalyzeCheckpoint {
  const limit = makeConcurrencyLimit(maxChildren);
  const spawnAnalyze = (at: CheckpointRef, only: readonly string[]) => new Promise<void>((resolve, reject) => {
    execFile(process.execPath, [CLI, 'analyze', '--db', db, '--run', at.runId, '--phase', at.phase, '--epoch', String(at.epoch), ...only],
      { maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
        if (err) {
          const last = stderr.trim().split('\n').at(-1) ?? err.message;
          reject(new TransferscopeError('INTERNAL', `Analysing ${at.phase} epoch ${at.epoch} of run '${at.runId}' failed: ${last}`));
        } else {
          resolve();
        }
      });
  });
  const shared = makeSharedRequests<void>();
  return (at, kinds, signal) => {
    const id = `${at.runId}/${at.phase}/${at.epoch}/${kinds?.join(',') ?? '*'}`;
    const only = kinds ? ['--kind', kinds.join(',')] : [];
    return shared(id, (shareSignal) => limit(() => spawnAnalyze(at, only), shareSignal), signal);
  };
}
