// Runs a network abstraction in a child `transferscope analyze` process: its tensor work takes tens of
// seconds, which in the server's own event loop would freeze the API and the live updates.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NetworkKey } from './network-protocol.ts';
import type { NetworkResultStore } from './store/network-store.ts';
import type { ComputeNetwork } from './routes/network.ts';
import { TransferscopeError } from './errors.ts';

const CLI = fileURLToPath(new URL('../bin/transferscope.js', import.meta.url));

/** A ComputeNetwork that analyses `key` in a child process writing to `db`, then reads the stored result. */
export function makeChildProcessCompute(db: string, results: NetworkResultStore): ComputeNetwork {
  return async (key: NetworkKey) => {
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, [CLI, 'analyze', '--db', db, '--run', key.runId, '--phase', key.phase, '--epoch', String(key.epoch)],
        { maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
          if (err) {
            const last = stderr.trim().split('\n').at(-1) ?? err.message;
            reject(new TransferscopeError('INTERNAL', `Analysing ${key.phase} epoch ${key.epoch} of run '${key.runId}' failed: ${last}`));
          } else {
            resolve();
          }
        });
    });
    const stored = await results.get(key);
    if (!stored) {
      throw new TransferscopeError('INTERNAL', `The analysis of ${key.phase} epoch ${key.epoch} of run '${key.runId}' finished but stored nothing.`);
    }
    return stored;
  };
}
