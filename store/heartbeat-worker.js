// The heartbeat writer of a training run, on its own thread: the trainer's main thread can be busy for seconds
// in tensor work, and a heartbeat that waited for it would make a live run look dead. Plain JavaScript because
// a worker thread does not inherit the TypeScript loader. Started and stopped by store/run-recovery.ts.
import { parentPort, workerData } from 'node:worker_threads';
import * as lancedb from '@lancedb/lancedb';

/** @type {{ uri: string, storageOptions: Record<string, string>, where: string, intervalMs: number, compactEvery: number, keepVersionsMs: number }} */
const { uri, storageOptions, where, intervalMs, compactEvery, keepVersionsMs } = workerData;
const db = await lancedb.connect(uri, { readConsistencyInterval: 0, ...(Object.keys(storageOptions).length > 0 ? { storageOptions } : {}) });
const table = await db.openTable('heartbeats');
let beats = 0;
/** @type {Promise<void> | null} */
let pending = null;

async function beat() {
  await table.update({ where, values: { beat_at: Date.now(), interval_ms: intervalMs } });
  beats += 1;
  // Every beat is a table version: compacting and dropping old versions keeps a long run's beats bounded.
  if (beats % compactEvery === 0) {
    await table.optimize({ cleanupOlderThan: new Date(Date.now() - keepVersionsMs) });
  }
  parentPort?.postMessage({ beats });
}

const timer = setInterval(() => {
  // A slow write (a busy disk) skips a beat instead of queueing writes behind it.
  pending ??= beat()
    .catch((err) => parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) }))
    .finally(() => {
      pending = null;
    });
}, intervalMs);

parentPort?.on('message', async (message) => {
  if (message === 'stop') {
    clearInterval(timer);
    await pending;
    table.close();
    db.close();
    parentPort?.postMessage('stopped');
  }
});
parentPort?.postMessage('started');
