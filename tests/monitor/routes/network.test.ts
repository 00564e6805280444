import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { Store } from '../../../monitor/store/store.ts';
import { NetworkResultStore } from '../../../monitor/store/network-store.ts';
import { networkRoutes } from '../../../monitor/routes/network.ts';
import { TransferscopeError } from '../../../monitor/errors.ts';
import type { ApiError } from '../../../monitor/protocol.ts';
import type { NetworkAbstraction, NetworkKey, NetworkResponse } from '../../../monitor/network-protocol.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;
let results: NetworkResultStore;
const computed: NetworkKey[] = [];

// Stands in for the trainer's computation: the route's job is choosing the key and never recomputing.
async function compute(key: NetworkKey): Promise<NetworkAbstraction> {
  computed.push(key);
  await new Promise((r) => setTimeout(r, 20));
  return { steps: 16, maxPerClass: 20, seconds: key.referenceEpoch, classes: [] };
}

function makeApp(resultStore: NetworkResultStore, computeNetwork = compute): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof TransferscopeError) {
      return c.json({ error: { code: err.code, message: err.message } } satisfies ApiError, err.status as 400);
    }
    return c.json({ error: { code: 'INTERNAL', message: err.message } } satisfies ApiError, 500);
  });
  app.route('/api/runs', networkRoutes(store, resultStore, computeNetwork));
  return app;
}

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  results = await NetworkResultStore.open(`${dir}/db`);
  await store.createRun(runMeta('run-n'));
  const weights = [layerWeights('conv1', 3, 0.1)];
  const commit = (phase: 'source' | 'target', epoch: number, step: number, checkpoint: boolean) =>
    store.commitEpoch('run-n', { record: epochRecord(phase, epoch, step), predictions: [], ...(checkpoint ? { weights } : {}) });
  await commit('source', 1, 1, true);
  await commit('source', 2, 2, false);
  await commit('source', 3, 3, true);
  await commit('target', 1, 4, true);
  await commit('target', 2, 5, false);
});
afterAll(() => {
  results.close();
  store.close();
});

const get = async <T>(app: Hono, path: string): Promise<{ status: number; body: T }> => {
  const res = await app.request(path);
  return { status: res.status, body: (await res.json()) as T };
};

describe('GET /api/runs/:id/epochs/:phase/:epoch/network', () => {
  it('computes a target checkpoint against the final source checkpoint once, then serves it from the store', async () => {
    const app = makeApp(results);
    const first = await get<NetworkResponse>(app, '/api/runs/run-n/epochs/target/1/network');
    expect(first.status).toBe(200);
    expect(first.body.key).toEqual({ runId: 'run-n', phase: 'target', epoch: 1, referencePhase: 'source', referenceEpoch: 3 });
    expect(first.body.abstraction.seconds).toBe(3);
    expect(computed).toHaveLength(1);
    const second = await get<NetworkResponse>(app, '/api/runs/run-n/epochs/target/1/network');
    expect(second.body).toEqual(first.body);
    expect(computed).toHaveLength(1);
    // A fresh process (new result store, a compute that must not run) still finds it.
    const reopened = await NetworkResultStore.open(`${dir}/db`);
    try {
      const third = await get<NetworkResponse>(makeApp(reopened, () => Promise.reject(new Error('recomputed'))), '/api/runs/run-n/epochs/target/1/network');
      expect(third).toEqual(first);
    } finally {
      reopened.close();
    }
  });

  it('compares a source checkpoint with the previous source checkpoint, and shares one computation between concurrent requests', async () => {
    const app = makeApp(results);
    const before = computed.length;
    const both = await Promise.all([1, 2].map(() => get<NetworkResponse>(app, '/api/runs/run-n/epochs/source/3/network')));
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both[0]!.body.key).toMatchObject({ phase: 'source', epoch: 3, referencePhase: 'source', referenceEpoch: 1 });
    expect(computed.length - before).toBe(1);
  });

  it('answers 404 JSON for an epoch that is not a checkpoint, not committed, or has nothing to compare with', async () => {
    const app = makeApp(results);
    for (const path of ['target/2', 'source/2', 'target/9', 'source/1']) {
      const { status, body } = await get<ApiError>(app, `/api/runs/run-n/epochs/${path}/network`);
      expect([path, status, body.error.code]).toEqual([path, 404, 'EPOCH_NOT_FOUND']);
    }
    const unknownRun = await get<ApiError>(app, '/api/runs/nope/epochs/target/1/network');
    expect([unknownRun.status, unknownRun.body.error.code]).toEqual([404, 'RUN_NOT_FOUND']);
  });

  it('answers 400 JSON for a bad phase or epoch', async () => {
    const app = makeApp(results);
    for (const path of ['middle/1', 'target/0', 'target/x']) {
      const { status, body } = await get<ApiError>(app, `/api/runs/run-n/epochs/${path}/network`);
      expect([status, body.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    }
  });
});

describe('NetworkResultStore', () => {
  it('returns null for an absent key and refuses to overwrite a stored one', async () => {
    const key: NetworkKey = { runId: 'run-x', phase: 'target', epoch: 2, referencePhase: 'source', referenceEpoch: 1 };
    expect(await results.get(key)).toBeNull();
    const result: NetworkAbstraction = { steps: 4, maxPerClass: 1, seconds: 0.5, classes: [] };
    await results.put(key, result);
    expect(await results.get(key)).toEqual(result);
    expect(await results.get({ ...key, referenceEpoch: 2 })).toBeNull();
    await expect(results.put(key, { ...result, steps: 8 })).rejects.toMatchObject({ code: 'RUN_EXISTS' });
    expect(await results.get(key)).toEqual(result);
    await expect(results.get({ ...key, runId: "x' OR 1=1" })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
