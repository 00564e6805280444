// A features job whose every caller withdrew (a dashboard navigated away) goes on running; a request that then
// asks for the same features must be answered with them, not with a 500 "finished but stored nothing". Real
// worker processes on a small trained run, the real route over HTTP on loopback.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Store } from '../../store/store.ts';
import { createApp } from '../../monitor/app.ts';
import { makeAnalysisWorkers, type AnalysisWorkers } from '../../monitor/analysis-workers.ts';
import type { AnalysisResponse } from '../../core/analysis-protocol.ts';
import { loadConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const dir = useTempDir();
const db = `${dir}/db`;
let store: Store;
let workers: AnalysisWorkers;
let server: Server;
let base: string;

beforeAll(async () => {
  // digits-smoke with 60 images a domain: the analyses only need a checkpoint of each phase.
  const smoke = loadConfig('configs/digits-smoke.json');
  const config = { ...smoke, source: { ...smoke.source, count: 60 }, target: { ...smoke.target, count: 60 } };
  await trainRun({ config, db, runId: 'net', progress: null, log: () => {} });
  store = await Store.open(db);
  // One slot, as in the demo: a job that arrives for a more urgent kind pauses a running features job.
  workers = makeAnalysisWorkers(db, 1);
  const app = createApp(store, { analyze: workers.analyze });
  server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  // Unset when beforeAll failed; closing must not hide that failure.
  const started = { server: server as Server | undefined, workers: workers as AnalysisWorkers | undefined, store: store as Store | undefined };
  await new Promise((resolve) => (started.server ? started.server.close(resolve) : resolve(null)));
  await started.workers?.close();
  started.store?.close();
});

it('answers a features request with the features of a job whose callers all withdrew while it ran', async () => {
  const at = { runId: 'net', phase: 'target', epoch: 1 } as const;
  await workers.analyze(at, { kinds: ['network'] });

  // A view asks for the features and then leaves while its job runs (a page that navigated away).
  const before = workers.startedJobs;
  const leaving = new AbortController();
  const left = workers.analyze(at, { kinds: ['features'], signal: leaving.signal }).catch((err: unknown) => err);
  // Its network need (found stored) runs as a job of its own, then the features job starts.
  await expect.poll(() => workers.startedJobs, { timeout: 60_000 }).toBe(before + 2);
  // Another view's network request joins the features job, which computes the network need first: answered once that
  // job reports the network abstraction stored, so the features job is now past it and computing the features.
  const other = new AbortController();
  await workers.analyze(at, { kinds: ['network'], signal: other.signal });
  leaving.abort();
  other.abort();
  expect(await left).toMatchObject({ name: 'AbortError' });

  const res = await fetch(`${base}/api/runs/net/epochs/target/1/features`);
  const body = (await res.json()) as AnalysisResponse;
  expect(res.status).toBe(200);
  expect(body.settings).toBe('live');
  expect(JSON.stringify(body.result)).toBe(await store.getAnalysisJson('features', body.key));
  // It waited for the job already computing them: no other worker was forked.
  expect(workers.startedJobs).toBe(before + 2);
}, 180_000);
