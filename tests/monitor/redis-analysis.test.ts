// The Redis queue on a real redis-server and a real store: two monitors queueing the same checkpoints make one
// job per checkpoint and kind, taken in today's priority order (refinements to the paper's settings on a queue of
// their own, in the local queue's order), with one `queued` event; the lock and the event claim hold across connections. The analysis processes
// themselves are run in tests/integration/scale-out.test.ts and redis-refinement.test.ts.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Store } from '../../store/store.ts';
import type { AnalysisEvent } from '../../core/protocol.ts';
import {
  ANALYSIS_QUEUE,
  REFINEMENT_QUEUE,
  analysisJobId,
  analysisJobPriority,
  analysisLockName,
  errorFromJobFailure,
  jobFailureReason,
  paperJobPriority,
  parseAnalysisJob,
} from '../../core/queue-protocol.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { makeRedisAnalysis } from '../../monitor/redis-analysis.ts';
import { assertRedisReachable, claimEvent, connectRedis, parseRedisUrl, withLock } from '../../monitor/redis-connection.ts';
import { startRedisServer, type RedisTestServer } from '../helpers/redis-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../helpers/run-fixture.ts';

const dir = useTempDir();
let redis: RedisTestServer;
let store: Store;

beforeAll(async () => {
  [redis, store] = await Promise.all([startRedisServer(), Store.open(`${dir}/db`)]);
  await store.createRun(runMeta('q'));
  for (const [phase, epoch, step] of [
    ['source', 1, 1],
    ['target', 1, 2],
    ['target', 2, 3],
  ] as const) {
    await store.commitEpoch('q', {
      record: { ...epochRecord(phase, epoch, step), checkpoint: true },
      predictions: [],
      weights: [layerWeights('conv1', 2, 0.1)],
    });
  }
}, 30_000);
afterAll(async () => {
  store.close();
  await redis.stop();
});

it('queues each checkpoint and kind once for two monitors, in the order network, instances, projection, features and newest first', async () => {
  const monitors = [makeRedisAnalysis(connectRedis(redis.url)), makeRedisAnalysis(connectRedis(redis.url))];
  const events: AnalysisEvent[] = [];
  const queues = monitors.map((m) => m.makeQueue(store, (event) => events.push(event)));
  // Both catch up on the same unanalysed checkpoints at once, as two monitors starting together would.
  await Promise.all(queues.map((q) => q.catchUp()));
  await Promise.all(queues.map((q) => q.idle()));
  expect(events.map((e) => [e.status, e.at.step]).sort()).toEqual([
    ['queued', 1],
    ['queued', 2],
    ['queued', 3],
  ]);

  // A worker taking one job at a time records the order the queue hands them out.
  const taken: string[] = [];
  const connection = connectRedis(redis.url);
  const worker = new Worker(
    ANALYSIS_QUEUE,
    async (job) => {
      const { kind, phase, epoch, background } = parseAnalysisJob(job.data);
      expect(background).toEqual(['network', 'instances', 'projection', 'features']);
      taken.push(`${kind} ${phase}:${epoch}`);
    },
    { connection, concurrency: 1 },
  );
  const kinds = ['network', 'instances', 'projection', 'features'];
  const expected = kinds.flatMap((kind) => [`${kind} target:2`, `${kind} target:1`, `${kind} source:1`]);
  await new Promise<void>((resolve) => {
    worker.on('completed', () => taken.length === expected.length && resolve());
  });
  expect(taken).toEqual(expected);
  await worker.close();
  connection.disconnect();
  await Promise.all(monitors.map((m) => m.close()));
}, 30_000);

it('lets one holder at a time into a lock, and one claimant per event, across connections', async () => {
  const clients = [1, 2, 3].map(() => new Redis(redis.url));
  let inside = 0;
  let most = 0;
  const entered: number[] = [];
  await Promise.all(
    clients.map((client, i) =>
      withLock(client, 'fixture', async () => {
        most = Math.max(most, ++inside);
        entered.push(i);
        await new Promise((resolve) => setImmediate(resolve));
        inside--;
      }),
    ),
  );
  expect(most).toBe(1);
  expect(entered.sort()).toEqual([0, 1, 2]);
  const event: AnalysisEvent = { runId: 'q', at: { phase: 'target', epoch: 2, step: 3 }, status: 'done' };
  const claims = await Promise.all(clients.map((client) => claimEvent(client, event)));
  expect(claims.filter(Boolean)).toHaveLength(1);
  clients.forEach((client) => client.disconnect());
});

it('keeps an error code across the queue, and refuses a bad or unreachable Redis in one line without its password', async () => {
  const crossed = errorFromJobFailure(jobFailureReason(new TransferscopeError('EPOCH_NOT_FOUND', 'No checkpoint: pick another.')));
  expect([crossed.code, crossed.message]).toEqual(['EPOCH_NOT_FOUND', 'No checkpoint: pick another.']);
  expect(errorFromJobFailure(jobFailureReason(new Error('boom\nstack'))).code).toBe('INTERNAL');
  // A chained kind's jobs of one run share a lock (each computes the earlier checkpoints first); others do not.
  const job = (kind: 'network' | 'instances', epoch: number) => analysisLockName({ runId: 'q', phase: 'target', epoch, kind });
  expect(job('instances', 1)).toBe(job('instances', 2));
  expect(job('network', 1)).not.toBe(job('network', 2));
  expect(() => parseRedisUrl('http://secret@example.org')).toThrow(/^--redis takes a Redis URL such as redis:\/\/127\.0\.0\.1:6379/);
  // A port nothing listens on: the server's own port + 1 was free a moment ago at best, so use a closed one.
  const unreachable = `redis://user:hunter2@127.0.0.1:${redis.port === 1 ? 2 : 1}`;
  const failure = await assertRedisReachable(unreachable).catch((err: TransferscopeError) => err);
  expect(failure).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
  expect((failure as Error).message).toMatch(/^Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 /);
  expect((failure as Error).message).not.toContain('hunter2');
});

it("puts refinements on a queue of their own, a view's refinement first among them, then newest first", async () => {
  await store.createRun(runMeta('p'));
  for (const [phase, epoch, step] of [
    ['source', 1, 1],
    ['target', 1, 2],
    ['target', 2, 3],
  ] as const) {
    await store.commitEpoch('p', {
      record: { ...epochRecord(phase, epoch, step), checkpoint: true },
      predictions: [],
      weights: [layerWeights('conv1', 2, 0.1)],
    });
  }
  const monitor = makeRedisAnalysis(connectRedis(redis.url));
  const connection = connectRedis(redis.url);
  const queue = new Queue(ANALYSIS_QUEUE, { connection });
  const refinements = new Queue(REFINEMENT_QUEUE, { connection });
  try {
    // The line: each target checkpoint's live network abstraction and its refinement (the source one compares with nothing).
    const line = monitor.makeQueue(store, () => {}, { kinds: ['network'], refine: true });
    await line.catchUp('p');
    await line.idle();
    // Then two views: a live instance layout, and a refinement against a chosen reference (a job the line never queues).
    const asked = [
      monitor.analyze({ runId: 'p', phase: 'source', epoch: 1 }, { kinds: ['instances'] }),
      monitor.analyze({ runId: 'p', phase: 'source', epoch: 1 }, { kinds: ['network'], reference: { phase: 'target', epoch: 1 }, settings: 'paper' }),
    ];
    await expect.poll(() => queue.getJob('instances|p|source-1')).toBeTruthy();
    await expect.poll(() => refinements.getJob('network|p|source-1|vs-target-1|paper')).toBeTruthy();
    expect((await refinements.getJob('network|p|target-2|paper'))!.data).toMatchObject({ settings: 'paper', refineNext: [] });
    // No refinement on the live queue: a worker's live slots never wait behind one.
    expect(await queue.getJob('network|p|target-2|paper')).toBeUndefined();

    // A worker taking one job at a time from each queue records the order each hands them out.
    const taken = new Map<string, string[]>([
      [ANALYSIS_QUEUE, []],
      [REFINEMENT_QUEUE, []],
    ]);
    const workerConnections = [connectRedis(redis.url), connectRedis(redis.url)];
    const workers = [ANALYSIS_QUEUE, REFINEMENT_QUEUE].map(
      (name, i) =>
        new Worker(
          name,
          async (job) => {
            const { kind, phase, epoch, settings } = parseAnalysisJob(job.data);
            taken.get(name)!.push(`${kind} ${phase}:${epoch} ${settings ?? 'live'}`);
          },
          { connection: workerConnections[i]!, concurrency: 1 },
        ),
    );
    await Promise.all(asked);
    await expect.poll(() => [...taken.values()].flat().length).toBe(6);
    expect(taken.get(ANALYSIS_QUEUE)).toEqual(['network target:2 live', 'network target:1 live', 'instances source:1 live']);
    expect(taken.get(REFINEMENT_QUEUE)).toEqual(['network source:1 paper', 'network target:2 paper', 'network target:1 paper']);
    await Promise.all(workers.map((worker) => worker.close()));
    workerConnections.forEach((c) => c.disconnect());
  } finally {
    await queue.close();
    await refinements.close();
    connection.disconnect();
    await monitor.close();
  }
}, 30_000);

it("keeps a job at the paper's settings apart from the live one, and refuses settings a kind does not have", () => {
  const live = { runId: 'q', phase: 'target', epoch: 1, kind: 'network' } as const;
  expect(analysisJobId({ ...live, settings: 'paper' })).not.toBe(analysisJobId(live));
  expect(parseAnalysisJob({ ...live, settings: 'paper', refineNext: ['features'] })).toMatchObject({ settings: 'paper' });
  // A job of an older monitor (no settings) is the live one.
  expect(parseAnalysisJob(live).settings).toBeUndefined();
  for (const bad of [
    { ...live, settings: 'fast' },
    { ...live, kind: 'instances', settings: 'paper' },
    { ...live, refineNext: ['features'] },
    { ...live, settings: 'paper', refineNext: ['projection'] },
  ]) {
    expect(() => parseAnalysisJob(bad)).toThrow(/Malformed analysis job/);
  }
  // Every refinement ranks below every live job, within BullMQ's range.
  expect(paperJobPriority('network')).toBeGreaterThan(analysisJobPriority('features', 0));
  expect(paperJobPriority('features', 0)).toBeLessThanOrEqual(2_097_151);
});
