// Past one machine, measured on loopback: analyses per minute with one and with two `transferscope worker`
// processes (the same jobs: two smoke runs each, network abstractions and instance layouts), and how long an
// epoch committed on object storage takes to reach a client of the other of two `serve --redis` monitors.
// `npx tsx bench/scale-out.ts` prints the result; `npm run bench` records it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { QueueEvents } from 'bullmq';
import { io as connect } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../core/protocol.ts';
import type { Socket } from 'socket.io-client';
import { ANALYSIS_QUEUE } from '../core/queue-protocol.ts';
import { makeRedisAnalysis } from '../monitor/redis-analysis.ts';
import { connectRedis } from '../monitor/redis-connection.ts';
import { Store } from '../store/store.ts';
import { STORAGE_OPTIONS_ENV } from '../store/storage-options.ts';
import { freePort, startRedisServer } from '../tests/helpers/redis-server.ts';
import { startS3Server } from '../tests/helpers/s3-server.ts';

export interface ScaleOutResult {
  analysesPerMinute1Worker: number;
  analysesPerMinute2Workers: number;
  /** Analyses each measurement computed. */
  analyses: number;
  liveLatencyP95Ms: number;
  liveLatencySamples: number;
}

const KINDS = ['network', 'instances'] as const;

function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; ready: (pattern: RegExp) => Promise<void> } {
  const child = spawn(process.execPath, ['bin/transferscope.js', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  return {
    child,
    ready: (pattern) =>
      new Promise((resolve, reject) => {
        lines.on('line', (line) => pattern.test(line) && resolve());
        child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
      }),
  };
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;

export async function measureScaleOut(log: (line: string) => void = () => {}): Promise<ScaleOutResult> {
  const [redis, s3] = await Promise.all([startRedisServer(), startS3Server()]);
  const db = s3.uriWithCommitStore('scale-out');
  const env = { ...process.env, [STORAGE_OPTIONS_ENV]: JSON.stringify(s3.storageOptions) };
  const children: ChildProcess[] = [];
  try {
    // Live latency: two monitors on Redis database 1 (its queue has no workers, so they only watch and fan out);
    // a client of the second one times every epoch of four smoke runs from its commit.
    const ports = [await freePort(), await freePort()];
    const monitors = ports.map((port) => start(['serve', '--db', db, '--redis', `${redis.url}/1`, '--port', String(port)], env));
    children.push(...monitors.map((m) => m.child));
    await Promise.all(monitors.map((m) => m.ready(/monitor on /)));
    const runs = ['r1', 'r2', 'r3', 'r4'];
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(`http://127.0.0.1:${ports[1]}/`, { transports: ['websocket'] });
    const latencies: number[] = [];
    socket.on('epoch', (e) => latencies.push(Date.now() - e.record.committedAt));
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    await Promise.all(runs.map((run) => socket.emitWithAck('subscribe', run)));
    log('training four smoke runs, two at a time…');
    for (const pair of [runs.slice(0, 2), runs.slice(2)]) {
      await Promise.all(
        pair.map((run) => {
          const trainer = start(['train', '--config', 'configs/digits-smoke.json', '--db', db, '--run', run], env);
          return new Promise((resolve) => trainer.child.once('exit', resolve));
        }),
      );
    }
    socket.close();
    await Promise.all(monitors.map((m) => stop(m.child)));

    // Throughput: the same jobs (two runs' network abstractions and instance layouts) for one worker, then two.
    const store = await Store.open(db, { storageOptions: s3.storageOptions });
    const connection = connectRedis(redis.url);
    const analysis = makeRedisAnalysis(connection);
    const eventsConnection = connection.duplicate();
    const queueEvents = new QueueEvents(ANALYSIS_QUEUE, { connection: eventsConnection });
    await queueEvents.waitUntilReady();
    const perMinute: number[] = [];
    let analyses = 0;
    for (const [workers, pair] of [
      [1, runs.slice(0, 2)],
      [2, runs.slice(2)],
    ] as const) {
      const started = Array.from({ length: workers }, () => start(['worker', '--db', db, '--redis', redis.url], env));
      children.push(...started.map((w) => w.child));
      await Promise.all(started.map((w) => w.ready(/worker taking/)));
      const jobs = pair.length * 2 * KINDS.length;
      let completed = 0;
      const done = new Promise<void>((resolve) => {
        const count = () => {
          if (++completed === jobs) {
            queueEvents.off('completed', count);
            resolve();
          }
        };
        queueEvents.on('completed', count);
      });
      const t0 = performance.now();
      const queue = analysis.makeQueue(store, () => {}, { kinds: KINDS });
      await Promise.all(pair.map((run) => queue.catchUp(run)));
      await done;
      const minutes = (performance.now() - t0) / 60_000;
      // The first checkpoint has no reference for a network abstraction: one job per run computes nothing.
      analyses = pair.length * (2 * KINDS.length - 1);
      perMinute.push(analyses / minutes);
      log(`${workers} worker(s): ${analyses} analyses in ${(minutes * 60).toFixed(1)} s`);
      await Promise.all(started.map((w) => stop(w.child)));
    }
    await queueEvents.close();
    await analysis.close();
    eventsConnection.disconnect();
    connection.disconnect();
    store.close();
    return {
      analysesPerMinute1Worker: perMinute[0]!,
      analysesPerMinute2Workers: perMinute[1]!,
      analyses,
      liveLatencyP95Ms: percentile(latencies, 95),
      liveLatencySamples: latencies.length,
    };
  } finally {
    await Promise.all(children.map(stop));
    await Promise.all([redis.stop(), s3.stop()]);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await measureScaleOut((line) => console.error(`bench: ${line}`));
  console.log(JSON.stringify({ ...r, ratio: r.analysesPerMinute2Workers / r.analysesPerMinute1Worker }, null, 2));
}
