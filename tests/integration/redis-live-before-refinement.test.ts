// A live job never waits behind a refinement on a Redis deployment (issue 16 item 1 × issue 17): a
// `transferscope worker` with one slot (in this process; its analyses run in forked processes) on a real
// redis-server and a small trained run is computing a refinement to the paper's settings when a live job arrives.
// The live job pauses the refinement's process, is stored first, and the refinement continues and is stored after.
// Job locks last 1 s here, well under the live job's seconds: the paused refinement keeps its lock (renewed by the
// worker's own event loop), so the worker's stalled-job check never hands it out again.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { ANALYSIS_QUEUE, REFINEMENT_QUEUE, analysisJobId, jobPriority, type AnalysisJob } from '../../core/queue-protocol.ts';
import { analysisKey } from '../../core/analysis-keys.ts';
import { Store } from '../../store/store.ts';
import type { QueueWorker } from '../../monitor/queue-worker.ts';
import { JOB_RETENTION } from '../../monitor/redis-analysis.ts';
import { connectRedis } from '../../monitor/redis-connection.ts';
import { loadConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { startRedisServer, type RedisTestServer } from '../helpers/redis-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { analysisProcesses } from '../helpers/store-processes.ts';

const dir = useTempDir();
const RUN = 'pause';
const db = `${dir}/db`;
let redis: RedisTestServer;
let store: Store;
let worker: QueueWorker | undefined;

beforeAll(async () => {
  // digits-smoke with 60 images a domain: the refinement of its target checkpoint's network abstraction (every
  // validation instance, 50 steps) takes several seconds, its live estimate about one.
  const smoke = JSON.parse(readFileSync('configs/digits-smoke.json', 'utf8')) as Record<string, unknown>;
  const config = `${dir}/small.json`;
  writeFileSync(config, JSON.stringify({ ...smoke, source: { kind: 'synthetic-digits', count: 60 }, target: { kind: 'mnist', count: 60 } }));
  [redis] = await Promise.all([startRedisServer(), trainRun({ config: loadConfig(config), db, runId: RUN, progress: null, log: () => {} })]);
  store = await Store.open(db);
}, 120_000);
afterAll(async () => {
  await worker?.close();
  vi.unstubAllEnvs();
  // Unset when beforeAll failed; closing must not hide that failure.
  const started = { store: store as Store | undefined, redis: redis as RedisTestServer | undefined };
  started.store?.close();
  await started.redis?.stop();
});

it('pauses a running refinement for a live job that arrives, stores the live job first, then finishes the refinement', async () => {
  // Read once as the worker's module loads, so set before importing it.
  vi.stubEnv('TRANSFERSCOPE_JOB_LOCK_MS', '1000');
  const { startQueueWorker } = await import('../../monitor/queue-worker.ts');
  const lines: string[] = [];
  worker = await startQueueWorker({ store, redisUrl: redis.url, concurrency: 1, log: (line) => lines.push(line) });
  const connection = connectRedis(redis.url);
  const queues = { live: new Queue(ANALYSIS_QUEUE, { connection }), refinements: new Queue(REFINEMENT_QUEUE, { connection }) };
  try {
    const epochs = await store.listEpochs(RUN);
    const target = epochs.find((e) => e.phase === 'target' && e.checkpoint)!;
    const add = (queue: Queue, job: AnalysisJob) =>
      queue.add(job.kind, job, { jobId: analysisJobId(job), priority: jobPriority(job, target.step), ...JOB_RETENTION });
    const checkpoint = { runId: RUN, phase: target.phase, epoch: target.epoch, kind: 'network' } as const;

    // The refinement takes the worker's one slot: its analysis process is running.
    await add(queues.refinements, { ...checkpoint, settings: 'paper' });
    await expect.poll(() => analysisProcesses(db).length, { timeout: 20_000, interval: 20 }).toBe(1);

    // A live job arrives. With one slot and one queue it waited for the refinement to end.
    await add(queues.live, checkpoint);
    const refinementDone = `network at the paper's settings of ${RUN} target epoch ${target.epoch} done`;
    const liveDone = `network of ${RUN} target epoch ${target.epoch} done`;
    await expect.poll(() => lines.filter((l) => l.startsWith(refinementDone)).length, { timeout: 60_000, interval: 100 }).toBe(1);
    const finished = lines.filter((l) => / done in /.test(l)).map((l) => l.slice(0, l.indexOf(' in ')));
    expect(finished).toEqual([liveDone, refinementDone]);

    // Each is stored once, and the paused refinement was started once: its lock outlived the pause.
    expect(lines.filter((l) => l === `network at the paper's settings of ${RUN} target epoch ${target.epoch}…`)).toHaveLength(1);
    for (const settings of ['live', 'paper'] as const) {
      expect(await store.countAnalyses('network', analysisKey('network', RUN, epochs, target, null, settings)!)).toBe(1);
    }
    expect(await (await queues.refinements.getJob(analysisJobId({ ...checkpoint, settings: 'paper' })))!.getState()).toBe('completed');
    expect(worker.completed).toBe(2);
  } finally {
    await Promise.all(Object.values(queues).map((q) => q.close()));
    connection.disconnect();
  }
}, 90_000);
