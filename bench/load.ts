// Many dashboards on one monitor: N socket clients subscribed to a run, and a fixed number of HTTP requests,
// a bounded number in flight, spread over the routes the dashboard issues for a fully analysed run. The monitor
// runs in its own process (as `serve` does), so the load generator does not share its event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, get } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { SeededRandom } from '../lib/random/index.ts';
import type { EpochRecord, RunMeta } from '../core/protocol.ts';
import { percentile } from './dashboard-latency.ts';
import { loadConfig } from '../trainer/config.ts';
import { trainRun } from '../trainer/run-training.ts';
import { analyzeCheckpoints } from '../analysis/jobs/analyze-checkpoints.ts';

const CLI = fileURLToPath(new URL('../bin/transferscope.js', import.meta.url));

export interface LoadOptions {
  db: string;
  runId: string;
  clients?: number;
  requests?: number;
  concurrency?: number;
  seed?: number;
}

export interface LoadResult {
  clients: number;
  requests: number;
  concurrency: number;
  p50Ms: number;
  p95Ms: number;
  requestsPerSecond: number;
  /** Requests per route kind, with each kind's p95. */
  routes: Record<string, { count: number; p95Ms: number }>;
  failures: number;
}

/** Starts `transferscope serve` on a free loopback port and resolves with its URL once it listens. */
async function startServe(db: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve exited with code ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /monitor on (http:\/\/\S+?)\/? /.exec(line);
      if (match) {
        resolve(match[1]!);
      }
    });
  });
  return { url, child };
}

/**
 * GETs `url` as a browser does (gzip accepted) and resolves with the status once every byte arrived, without
 * decoding: gunzipping 0.8 MB network answers is each browser's work, and here it would run on the same two
 * cores as the monitor (with fetch, which decodes, the same load measured a p95 roughly twice as long).
 */
function getEncoded(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The dashboard's requests for a run, weighted roughly as opening, scrubbing and comparing issue them. */
function routeMix(runId: string, epochs: EpochRecord[], meta: RunMeta): { kind: string; weight: number; path: (r: SeededRandom) => string }[] {
  const checkpoints = epochs.filter((e) => e.checkpoint);
  const pick = <T>(r: SeededRandom, items: T[]): T => items[Math.floor(r.next() * items.length)]!;
  const at = (e: EpochRecord) => `${e.phase}/${e.epoch}`;
  const ref = (e: EpochRecord) => `${runId}:${e.phase}:${e.epoch}`;
  const instances = meta.datasetSizes.targetValidation;
  return [
    { kind: 'runs', weight: 1, path: () => '/api/runs' },
    { kind: 'run', weight: 1, path: () => `/api/runs/${runId}` },
    { kind: 'metrics', weight: 2, path: () => `/api/runs/${runId}/metrics` },
    { kind: 'confusion', weight: 4, path: (r) => `/api/runs/${runId}/epochs/${at(pick(r, epochs))}/confusion` },
    { kind: 'network', weight: 3, path: (r) => `/api/runs/${runId}/epochs/${at(pick(r, checkpoints.slice(1)))}/network` },
    { kind: 'instances', weight: 3, path: (r) => `/api/runs/${runId}/epochs/${at(pick(r, checkpoints))}/instances` },
    { kind: 'features', weight: 3, path: (r) => `/api/runs/${runId}/epochs/${at(pick(r, checkpoints))}/features` },
    { kind: 'atlas', weight: 1, path: (r) => `/api/runs/${runId}/instances/${pick(r, ['source-validation', 'target-validation'])}/atlas.png` },
    { kind: 'instance-png', weight: 2, path: (r) => `/api/runs/${runId}/instances/target-validation/${Math.floor(r.next() * instances)}.png` },
    { kind: 'weight-drift', weight: 1, path: () => `/api/runs/${runId}/weight-drift` },
    { kind: 'compare', weight: 1, path: (r) => `/api/compare?a=${ref(pick(r, checkpoints))}&b=${ref(pick(r, checkpoints))}` },
  ];
}

/** Measures request latency under load against a stored, fully analysed run (every analysis already stored). */
export async function measureLoad(options: LoadOptions): Promise<LoadResult> {
  const { db, runId, clients = 200, requests = 2000, concurrency = 50, seed = 5 } = options;
  const { url, child } = await startServe(db);
  const sockets: Socket[] = [];
  try {
    const [meta, metrics] = await Promise.all([
      fetch(`${url}/api/runs/${runId}`).then((r) => r.json() as Promise<RunMeta>),
      fetch(`${url}/api/runs/${runId}/metrics`).then((r) => r.json() as Promise<{ epochs: EpochRecord[] }>),
    ]);
    await Promise.all(
      Array.from(
        { length: clients },
        () =>
          new Promise<void>((resolve, reject) => {
            const socket = io(url, { transports: ['websocket'], forceNew: true });
            sockets.push(socket);
            socket.once('connect_error', reject);
            socket.once('connect', () => {
              socket.emit('subscribe', runId);
              resolve();
            });
          }),
      ),
    );

    const mix = routeMix(runId, metrics.epochs, meta);
    const total = mix.reduce((sum, route) => sum + route.weight, 0);
    const random = new SeededRandom(seed);
    const plan = Array.from({ length: requests }, () => {
      let x = random.next() * total;
      const route = mix.find((m) => (x -= m.weight) < 0) ?? mix[0]!;
      return { kind: route.kind, path: route.path(random) };
    });

    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const latencies: number[] = [];
    const byKind = new Map<string, number[]>();
    let failures = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < plan.length) {
          const { kind, path } = plan[next++]!;
          const t0 = performance.now();
          const status = await getEncoded(url + path, agent);
          const ms = performance.now() - t0;
          if (status !== 200) {
            failures++;
          }
          latencies.push(ms);
          if (!byKind.has(kind)) {
            byKind.set(kind, []);
          }
          byKind.get(kind)!.push(ms);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    agent.destroy();
    return {
      clients,
      requests,
      concurrency,
      failures,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      requestsPerSecond: requests / seconds,
      routes: Object.fromEntries([...byKind].map(([kind, values]) => [kind, { count: values.length, p95Ms: Math.round(percentile(values, 95)) }])),
    };
  } finally {
    for (const socket of sockets) {
      socket.close();
    }
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
  }
}

/**
 * `npx tsx bench/load.ts [--db DIR] [--run ID] [--repeat N]`: the load section alone. Without --db it trains and
 * analyses the bench run into a temporary folder once (kept for the next call), as `npm run bench` does. Each repeat
 * serves a fresh copy of the store, since `serve` refines checkpoints into it while it runs.
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { db: { type: 'string' }, run: { type: 'string' }, repeat: { type: 'string', default: '1' } },
  });
  // `bench/load.ts DB RUN_ID`, as earlier notes ran it, still works.
  const db = values.db ?? positionals[0] ?? join(tmpdir(), 'transferscope-load-bench');
  const runId = values.run ?? positionals[1] ?? 'bench';
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) {
    console.error(`--repeat must be a whole number from 1 to 20 (got '${values.repeat}').`);
    process.exit(2);
  }
  if (!existsSync(db)) {
    await trainRun({ config: loadConfig('configs/bench.json'), db, runId, progress: null, log: () => {} });
    await analyzeCheckpoints({ db, runId, log: () => {} });
  }
  for (let i = 0; i < repeat; i++) {
    const copy = mkdtempSync(join(tmpdir(), 'transferscope-load-'));
    try {
      cpSync(db, copy, { recursive: true });
      const r = await measureLoad({ db: copy, runId });
      const routes = Object.entries(r.routes).map(([kind, { p95Ms }]) => `${kind} ${p95Ms}`);
      console.log(
        `load: p50 ${Math.round(r.p50Ms)} ms, p95 ${Math.round(r.p95Ms)} ms, ${Math.round(r.requestsPerSecond)} requests/s, ${r.failures} failures; p95 per route: ${routes.join(', ')}`,
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
