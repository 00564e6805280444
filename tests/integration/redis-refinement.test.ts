// Refinement to the paper's settings on a Redis deployment: a monitor whose line refines, a second monitor that only
// serves, and a `transferscope worker` (in this process; its analyses run in forked processes) on a real
// redis-server and a small trained run. The worker stores the network refinement, queues the features refinement
// only then, and the 'refined' events reach the clients of both monitors; a view's ?settings=paper on the serving
// monitor waits for the refinement and answers it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { io as connect, type Socket } from 'socket.io-client';
import type { AnalysisEvent, ClientToServerEvents, ServerToClientEvents } from '../../core/protocol.ts';
import type { AnalysisResponse } from '../../core/analysis-protocol.ts';
import { REFINEMENT_QUEUE } from '../../core/queue-protocol.ts';
import { analysisKey } from '../../core/analysis-keys.ts';
import { Store } from '../../store/store.ts';
import { startMonitor, type RunningMonitor } from '../../monitor/server.ts';
import { startQueueWorker, type QueueWorker } from '../../monitor/queue-worker.ts';
import { connectRedis } from '../../monitor/redis-connection.ts';
import { loadConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { startRedisServer, type RedisTestServer } from '../helpers/redis-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

type MonitorSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const dir = useTempDir();
const RUN = 'refine';
let redis: RedisTestServer;
let store: Store;
const monitors: RunningMonitor[] = [];
const sockets: MonitorSocket[] = [];
let worker: QueueWorker | undefined;

beforeAll(async () => {
  // digits-smoke with 60 images a domain and two instances per class and domain at the paper's settings: the
  // smallest run whose refinement still has every stage.
  const smoke = JSON.parse(readFileSync('configs/digits-smoke.json', 'utf8')) as Record<string, unknown>;
  const config = `${dir}/small.json`;
  const small = { ...smoke, paperMaxPerClass: 2, source: { kind: 'synthetic-digits', count: 60 }, target: { kind: 'mnist', count: 60 } };
  writeFileSync(config, JSON.stringify(small));
  const db = `${dir}/db`;
  [redis] = await Promise.all([startRedisServer(), trainRun({ config: loadConfig(config), db, runId: RUN, progress: null, log: () => {} })]);
  store = await Store.open(db);
}, 120_000);
afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await worker?.close();
  await Promise.all(monitors.map((m) => m.close()));
  // Unset when beforeAll failed; closing must not hide that failure.
  const started = { store: store as Store | undefined, redis: redis as RedisTestServer | undefined };
  started.store?.close();
  await started.redis?.stop();
});

/** A client subscribed to the run, recording its analysis events. */
async function subscribe(monitor: RunningMonitor): Promise<AnalysisEvent[]> {
  const socket: MonitorSocket = connect(monitor.url, { transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  const events: AnalysisEvent[] = [];
  socket.on('analysis', (event) => events.push(event));
  await new Promise<void>((resolve) => socket.emit('subscribe', RUN, () => resolve()));
  return events;
}

const refined = (events: AnalysisEvent[]) => events.filter((e) => e.settings === 'paper').map((e) => `${e.kind} ${e.at.phase}:${e.at.epoch} ${e.status}`);

it('refines each checkpoint on the workers, announces it on every monitor, and answers ?settings=paper on a Redis monitor', async () => {
  const base = { store, port: 0, redis: redis.url, pollIntervalMs: 200 };
  // The serving monitor first: it queues nothing itself.
  const serving = await startMonitor({ ...base, analyzeCheckpoints: false });
  monitors.push(serving);
  const line = await startMonitor({ ...base, analyzeCheckpoints: true, refineAnalyses: true, analysisKinds: ['network', 'features'] });
  monitors.push(line);
  const [lineEvents, servingEvents] = await Promise.all([subscribe(line), subscribe(serving)]);

  // The line's catch-up queues the target checkpoint's network refinement and not its features refinement: that
  // waits for the network one to be stored.
  const connection = connectRedis(redis.url);
  const queue = new Queue(REFINEMENT_QUEUE, { connection });
  try {
    await expect.poll(() => queue.getJob(`network|${RUN}|target-1|paper`), { timeout: 20_000 }).toBeTruthy();
    expect(await queue.getJob(`features|${RUN}|target-1|paper`)).toBeUndefined();
    expect(await queue.getJob(`network|${RUN}|source-1|paper`)).toBeUndefined();
    expect((await queue.getJob(`network|${RUN}|target-1|paper`))!.data).toMatchObject({ settings: 'paper', refineNext: ['features'] });

    // A view asks the serving monitor for the refined network abstraction before any worker runs: it waits.
    const asked = fetch(`${serving.url}api/runs/${RUN}/epochs/target/1/network?settings=paper`);
    worker = await startQueueWorker({ store, redisUrl: redis.url });
    const res = await asked;
    expect(res.status).toBe(200);
    const body = (await res.json()) as AnalysisResponse<'network'>;
    expect(body.settings).toBe('paper');
    expect(JSON.stringify(body.result)).toBe(await store.getAnalysisJson('network', body.key));

    // The target checkpoint's features refinement follows, queued by the worker, then the source checkpoint's (its
    // network abstraction compares with nothing, so its line starts at features): newest checkpoint first. Both
    // monitors' clients hear each refinement once.
    const expected = ['network target:1 running', 'features target:1 done', 'features source:1 done'];
    for (const events of [lineEvents, servingEvents]) {
      await expect.poll(() => refined(events), { timeout: 90_000, interval: 200 }).toEqual(expected);
    }
    const epochs = await store.listEpochs(RUN);
    const target = epochs.find((e) => e.phase === 'target' && e.checkpoint)!;
    const source = epochs.find((e) => e.phase === 'source' && e.checkpoint)!;
    for (const [kind, at] of [
      ['network', target],
      ['features', target],
      ['features', source],
    ] as const) {
      expect(await store.countAnalyses(kind, analysisKey(kind, RUN, epochs, at, null, 'paper')!)).toBe(1);
    }
    // The live estimates came first: the target checkpoint was done live before its first refinement landed.
    const liveDone = lineEvents.findIndex((e) => e.settings === undefined && e.at.phase === 'target' && e.status === 'done');
    expect(liveDone).toBeGreaterThanOrEqual(0);
    expect(liveDone).toBeLessThan(lineEvents.findIndex((e) => e.settings === 'paper'));
  } finally {
    await queue.close();
    connection.disconnect();
  }
}, 180_000);
