// Runs every missing analysis of one checkpoint in a child `transferscope analyze` process: the tensor
// work takes tens of seconds, which in the server's own event loop would freeze the API and live updates.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Phase } from './protocol.ts';
import type { AnalysisKind } from './analysis-protocol.ts';
import { TransferscopeError } from './errors.ts';

export interface CheckpointRef {
  runId: string;
  phase: Phase;
  epoch: number;
}

/**
 * Resolves once every kind of analysis of the checkpoint (or only `kinds`) is stored, or rejects with why not.
 * A request names its kind, so a few-second instance layout never waits for a minute-long network abstraction.
 */
export type AnalyzeCheckpoint = (checkpoint: CheckpointRef, kinds?: readonly AnalysisKind[]) => Promise<void>;

const CLI = fileURLToPath(new URL('../bin/transferscope.js', import.meta.url));

/**
 * At most this many analysis children run at once; the rest wait in order. Scrubbing fast through checkpoints
 * that were never analysed asks for several kinds at each, and unbounded children (each a minute of tensor
 * work) starved the API itself: the dashboard-latency bench timed out on a confusion table. Two, not one, so
 * a view's cheap request is not always stuck behind the background queue's minute-long network abstraction.
 */
export const MAX_ANALYSIS_CHILDREN = 2;

/** Runs tasks with at most `max` in flight; the rest start in call order as earlier ones settle. */
export function makeConcurrencyLimit(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running < max) {
      running++;
    } else {
      // A settling task hands its slot straight to the next waiter, so `running` never exceeds `max`.
      await new Promise<void>((resolve) => waiting.push(resolve));
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
 */
export function makeChildProcessAnalyzer(db: string, maxChildren = MAX_ANALYSIS_CHILDREN): AnalyzeCheckpoint {
  const inFlight = new Map<string, Promise<void>>();
  const limit = makeConcurrencyLimit(maxChildren);
  return (at, kinds) => {
    const only = kinds ? ['--kind', kinds.join(',')] : [];
    const id = `${at.runId}/${at.phase}/${at.epoch}/${kinds?.join(',') ?? '*'}`;
    let pending = inFlight.get(id);
    if (!pending) {
      pending = limit(() => new Promise<void>((resolve, reject) => {
        execFile(process.execPath, [CLI, 'analyze', '--db', db, '--run', at.runId, '--phase', at.phase, '--epoch', String(at.epoch), ...only],
          { maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
            if (err) {
              const last = stderr.trim().split('\n').at(-1) ?? err.message;
              reject(new TransferscopeError('INTERNAL', `Analysing ${at.phase} epoch ${at.epoch} of run '${at.runId}' failed: ${last}`));
            } else {
              resolve();
            }
          });
      })).finally(() => inFlight.delete(id));
      inFlight.set(id, pending);
    }
    return pending;
  };
}
