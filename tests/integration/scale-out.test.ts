// Past one machine, on loopback: redis-server and an S3-compatible server, a smoke run trained into s3://, two
// `serve --redis` monitors and two `transferscope worker` processes. One run covers every case (each process
// costs seconds of start-up on 2 cores): each monitor's client gets every event once, a worker SIGKILLed
// mid-job still leaves each analysis stored once, a monitor restarted mid-run catches up, and both monitors
// serve the last checkpoint's analyses. Only the network and instance kinds are queued (`--kind`): the cheapest
// that still include a kind with a need (none) and one a view compares; projection alone would cost a minute.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { io as connect, type Socket } from 'socket.io-client';
import type { AnalysisEvent, ClientToServerEvents, MetricsResponse, ServerToClientEvents } from '../../core/protocol.ts';
import type { AnalysisResponse } from '../../core/analysis-protocol.ts';
import { Store } from '../../store/store.ts';
import { STORAGE_OPTIONS_ENV } from '../../store/storage-options.ts';
import { freePort, startRedisServer, type RedisTestServer } from '../helpers/redis-server.ts';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.ts';

const RUN = 'scale';
const KINDS = 'network,instances';

interface Started {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first output line (old or new) matching `pattern`. */
  line(pattern: RegExp): Promise<string>;
}

let redis: RedisTestServer;
let s3: S3TestServer;
let db: string;
let env: NodeJS.ProcessEnv;
const processes: Started[] = [];

function start(args: string[]): Started {
  const child = spawn(process.execPath, ['bin/transferscope.js', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiting = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const w of [...waiting].filter((w) => w.pattern.test(line))) {
        waiting.delete(w);
        w.resolve(line);
      }
    });
  }
  const started: Started = {
    child,
    lines,
    line: (pattern) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => pattern.test(l));
        if (seen !== undefined) {
          resolve(seen);
          return;
        }
        waiting.add({ pattern, resolve });
        child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code} before printing ${pattern}: ${lines.slice(-5).join(' | ')}`)));
      }),
  };
  processes.push(started);
  return started;
}

const exited = (p: Started) =>
  p.child.exitCode !== null || p.child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => p.child.once('exit', resolve));

function serve(port: number): Started {
  return start(['serve', '--db', db, '--redis', redis.url, '--kind', KINDS, '--port', String(port)]);
}

/** A client as the dashboard is one: (re)subscribes on every connect, then re-reads what it may have missed. */
interface Client {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  epochs: string[];
  analyses: string[];
  /** Epochs read through the API after each (re)connect. */
  refetched: Set<string>;
  connects: number;
}

function client(url: string): Promise<Client> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(url, {
    transports: ['websocket'],
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
  });
  const c: Client = { socket, epochs: [], analyses: [], refetched: new Set(), connects: 0 };
  socket.on('epoch', (e) => c.epochs.push(`${e.record.phase}:${e.record.epoch}`));
  socket.on('analysis', (e: AnalysisEvent) => c.analyses.push(`${e.at.step} ${e.status} ${e.message ?? ''}`.trim()));
  return new Promise((resolve) => {
    socket.on('connect', () => {
      void socket.emitWithAck('subscribe', RUN).then(async () => {
        c.connects++;
        const res = await fetch(`${url}api/runs/${RUN}/metrics`);
        if (res.ok) {
          ((await res.json()) as MetricsResponse).epochs.forEach((e) => c.refetched.add(`${e.phase}:${e.epoch}`));
        }
        resolve(c);
      });
    });
  });
}

const received = (c: Client, event: string) =>
  new Promise<void>((resolve) => {
    const check = (): void => {
      if (c.analyses.includes(event)) {
        c.socket.off('analysis', check);
        resolve();
      }
    };
    c.socket.on('analysis', check);
    check();
  });

let portA: number;
let portB: number;
let clients: Client[] = [];

beforeAll(async () => {
  [redis, s3, portA, portB] = await Promise.all([startRedisServer(), startS3Server(), freePort(), freePort()]);
  // Three writers (the trainer and two workers): the DynamoDB commit store, since s3rver ignores conditional PUT.
  db = s3.uriWithCommitStore('scale-out');
  // Options through the environment, as a deployment's containers get them; a short job lock so a killed
  // worker's job is retried within seconds.
  env = { ...process.env, [STORAGE_OPTIONS_ENV]: JSON.stringify(s3.storageOptions), TRANSFERSCOPE_JOB_LOCK_MS: '3000' };
}, 30_000);

afterAll(async () => {
  if (process.env.SCALE_OUT_LOG) {
    processes.forEach((p) =>
      console.error(`--- ${p.child.spawnargs.slice(2, 3).join(' ')}\n${p.lines.filter((l) => !l.includes('DynamoDB SDK error')).join('\n')}`),
    );
    clients.forEach((c) => console.error(JSON.stringify({ epochs: c.epochs, analyses: c.analyses, refetched: [...c.refetched], connects: c.connects })));
  }
  clients.forEach((c) => c.socket.close());
  for (const p of processes) {
    p.child.kill('SIGKILL');
  }
  await Promise.all(processes.map(exited));
  // Unset when the setup failed.
  await Promise.all([(redis as RedisTestServer | undefined)?.stop(), (s3 as S3TestServer | undefined)?.stop()]);
});

const once = (events: string[]) => new Set(events).size === events.length;

it('runs a smoke run across two monitors and two workers: every event once, a killed worker and a restarted monitor lose nothing', async () => {
  // Everything starts at once: start-up (tfjs, LanceDB) is most of a process's cost here.
  const monitorA = serve(portA);
  let monitorB = serve(portB);
  const workers = [start(['worker', '--db', db, '--redis', redis.url]), start(['worker', '--db', db, '--redis', redis.url])];
  await Promise.all([monitorA, monitorB].map((m) => m.line(/monitor on /)));
  clients = await Promise.all([client(`http://127.0.0.1:${portA}/`), client(`http://127.0.0.1:${portB}/`)]);
  const [clientA, clientB] = clients as [Client, Client];
  await Promise.all(workers.map((w) => w.line(/worker taking analysis jobs/)));
  const trainer = start(['train', '--config', 'configs/digits-smoke.json', '--db', db, '--run', RUN]);

  // The first worker to start the last checkpoint's instance layout is SIGKILLed mid-job (its forked analysis
  // process dies with it): the other must take the job over once its lock lapses.
  const killed = Promise.race(workers.map((w) => w.line(new RegExp(`instances of ${RUN} target epoch 1…`)).then(() => w))).then((w) => {
    w.child.kill('SIGKILL');
    return w;
  });
  // Monitor B goes down while the run trains (once its client has the first checkpoint's `queued`, so that event
  // is out) and comes back on its port; its client reconnects, re-subscribes and re-reads the run.
  await received(clientB, '1 queued');
  monitorB.child.kill('SIGTERM');
  await exited(monitorB);
  monitorB = serve(portB);
  await monitorB.line(/monitor on /);

  await exited(trainer);
  expect(trainer.child.exitCode).toBe(0);
  await Promise.all([received(clientA, '1 done'), received(clientA, '2 done'), received(clientB, '2 done')]);
  const victim = await killed;
  expect(victim.child.signalCode).toBe('SIGKILL');
  const survivor = workers.find((w) => w !== victim)!;
  // The survivor took the job over. Its 'done' line may come after the analysis event that reached the clients (the
  // event is published when the result is stored, the line printed after), so it is awaited, not looked up.
  await survivor.line(new RegExp(`^transferscope: instances of ${RUN} target epoch 1 done`));

  // Monitor A's client: every epoch and every analysis event exactly once, whichever process produced it.
  expect(clientA.epochs.sort()).toEqual(['source:1', 'target:1']);
  expect(once(clientA.analyses)).toBe(true);
  for (const step of [1, 2]) {
    expect(clientA.analyses).toEqual(expect.arrayContaining([`${step} queued`, `${step} running`, `${step} done`]));
  }
  // Monitor B's client: nothing twice, and with what it re-read on reconnecting, every epoch.
  expect(clientB.connects).toBeGreaterThanOrEqual(2);
  expect(once(clientB.epochs) && once(clientB.analyses)).toBe(true);
  expect([...new Set([...clientB.epochs, ...clientB.refetched])].sort()).toEqual(['source:1', 'target:1']);

  // Each analysis stored exactly once, despite the killed worker, its retry and two monitors queueing it.
  const store = await Store.open(db, { storageOptions: s3.storageOptions });
  try {
    const at = (phase: 'source' | 'target') => ({ runId: RUN, phase, epoch: 1, referencePhase: null, referenceEpoch: null });
    const counts = await Promise.all([
      store.countAnalyses('instances', at('source')),
      store.countAnalyses('instances', at('target')),
      store.countAnalyses('network', { ...at('target'), referencePhase: 'source', referenceEpoch: 1 }),
    ]);
    expect(counts).toEqual([1, 1, 1]);
  } finally {
    store.close();
  }

  // The last checkpoint's analyses through either monitor.
  for (const port of [portA, portB]) {
    for (const kind of ['network', 'instances'] as const) {
      const res = await fetch(`http://127.0.0.1:${port}/api/runs/${RUN}/epochs/target/1/${kind}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as AnalysisResponse<typeof kind>).key).toMatchObject({ runId: RUN, phase: 'target', epoch: 1 });
    }
  }
}, 100_000);
