// The fork pool's process priorities, read from /proc of real forked workers: a refinement to the paper's
// settings runs niced below the monitor, a live analysis at the monitor's own priority.
import { getPriority } from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Store } from '../../store/store.ts';
import { makeWorkerProcesses, REFINEMENT_NICENESS, type WorkerJob } from '../../monitor/worker-processes.ts';
import type { Slot } from '../../monitor/concurrency-limit.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { runMeta } from '../helpers/run-fixture.ts';
import { argAfter, storeProcesses } from '../helpers/store-processes.ts';

const dir = useTempDir();
let store: Store;

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  await store.createRun(runMeta('nice'));
});
afterAll(() => store.close());

/** The niceness of each worker whose command line names `epoch` of the store `db` (Linux's /proc). */
function workerNiceness(db: string, epoch: number): number[] {
  return storeProcesses(db)
    .filter((p) => argAfter(p, '--epoch') === String(epoch))
    .map((p) => Number(p.stat[16]));
}

it('runs a refinement niced below the monitor and a live analysis at its priority', async () => {
  const processes = makeWorkerProcesses();
  const db = store.uri;
  const seen = new Map<number, number[]>();
  // Each worker is stopped as it registers, read from /proc, then let go: it fails at once (no such epoch).
  const run = (job: WorkerJob) => {
    const slot: Slot = {
      pausable: (handle) => {
        handle.pause();
        seen.set(job.epoch, workerNiceness(db, job.epoch));
        handle.resume();
      },
    };
    return processes.run(job, slot, () => {}).catch((err: { code: string }) => err.code);
  };
  try {
    const outcomes = await Promise.all([
      run({ type: 'analyse', jobId: 'paper', db, runId: 'nice', phase: 'target', epoch: 41, kinds: ['network'], settings: 'paper' }),
      run({ type: 'analyse', jobId: 'live', db, runId: 'nice', phase: 'target', epoch: 42, kinds: ['network'] }),
    ]);
    expect(outcomes).toEqual(['EPOCH_NOT_FOUND', 'EPOCH_NOT_FOUND']);
    const own = getPriority();
    expect(seen.get(41)).toEqual([Math.min(19, own + REFINEMENT_NICENESS)]);
    expect(seen.get(42)).toEqual([own]);
  } finally {
    await processes.close();
  }
});
