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
 * An AnalyzeCheckpoint that spawns `transferscope analyze` against the store at `db`. Concurrent calls for
 * one checkpoint (a request racing the background queue) share one child instead of racing to store.
 */
export function makeChildProcessAnalyzer(db: string): AnalyzeCheckpoint {
  const inFlight = new Map<string, Promise<void>>();
  return (at, kinds) => {
    const only = kinds ? ['--kind', kinds.join(',')] : [];
    const id = `${at.runId}/${at.phase}/${at.epoch}/${kinds?.join(',') ?? '*'}`;
    let pending = inFlight.get(id);
    if (!pending) {
      pending = new Promise<void>((resolve, reject) => {
        execFile(process.execPath, [CLI, 'analyze', '--db', db, '--run', at.runId, '--phase', at.phase, '--epoch', String(at.epoch), ...only],
          { maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
            if (err) {
              const last = stderr.trim().split('\n').at(-1) ?? err.message;
              reject(new TransferscopeError('INTERNAL', `Analysing ${at.phase} epoch ${at.epoch} of run '${at.runId}' failed: ${last}`));
            } else {
              resolve();
            }
          });
      }).finally(() => inFlight.delete(id));
      inFlight.set(id, pending);
    }
    return pending;
  };
}
