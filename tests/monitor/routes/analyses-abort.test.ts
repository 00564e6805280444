// A browser that gives up on an analysis (the view scrubbed on) closes the connection; the route must pass
// that on to the analyzer, so a child still waiting for a slot can leave the line. Real HTTP on loopback.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Store } from '../../../store/store.ts';
import { createApp } from '../../../monitor/app.ts';
import type { AnalyzeCheckpoint } from '../../../monitor/analysis-workers.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;
let server: Server;
let base: string;
const signals: (AbortSignal | undefined)[] = [];

// Never finishes on its own: the analysis is still running when the client leaves.
const analyze: AnalyzeCheckpoint = (_at, { signal } = {}) => {
  signals.push(signal);
  return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
};

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  await store.createRun(runMeta('run-a'));
  await store.commitEpoch('run-a', { record: epochRecord('source', 1, 1), predictions: [], weights: [layerWeights('conv1', 3, 0.1)] });
  const app = createApp(store, { analyze });
  server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  store.close();
});

it('aborts the analyzer call when the client drops the request', async () => {
  const client = new AbortController();
  const request = fetch(`${base}/api/runs/run-a/epochs/source/1/instances`, { signal: client.signal }).catch((e: unknown) => e);
  await expect.poll(() => signals.length, { timeout: 5000 }).toBe(1);
  expect(signals[0]!.aborted).toBe(false);
  client.abort();
  expect(await request).toMatchObject({ name: 'AbortError' });
  await expect.poll(() => signals[0]!.aborted, { timeout: 5000 }).toBe(true);
});
