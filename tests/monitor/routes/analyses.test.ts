import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { Store } from '../../../store/store.ts';
import { createApp } from '../../../monitor/app.ts';
import type { AnalyzeCheckpoint, AnalyzeOptions, CheckpointRef } from '../../../monitor/analysis-workers.ts';
import { analysisKey } from '../../../core/analysis-keys.ts';
import type { ApiError } from '../../../core/protocol.ts';
import type { AnalysisKey, NetworkResponse } from '../../../core/analysis-protocol.ts';
import type { NetworkAbstraction } from '../../../core/network-protocol.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;
const analysed: CheckpointRef[] = [];
const askedKinds: (readonly string[] | undefined)[] = [];

// Stands in for the child `transferscope analyze`: the route's job is choosing the key, asking for the
// analysis once and serving what got stored. The child itself is tested in tests/integration.
async function analyze(at: CheckpointRef, { kinds, reference, settings }: AnalyzeOptions = {}): Promise<void> {
  analysed.push(at);
  askedKinds.push(kinds);
  const epochs = await store.listEpochs(at.runId);
  const key = analysisKey(
    'network',
    at.runId,
    epochs,
    epochs.find((e) => e.phase === at.phase && e.epoch === at.epoch)!,
    reference,
    settings,
  )!;
  if (!(await store.hasAnalysis('network', key))) {
    const steps = settings === 'paper' ? 50 : 8;
    await store.putAnalysis('network', key, { steps, maxPerClass: 20, seconds: key.referenceEpoch!, classes: [] });
  }
}

// The real app, so errors go through its own onError; `analyze` only stands in for the child process.
const makeApp = (analyzeCheckpoint: AnalyzeCheckpoint = analyze): Hono => createApp(store, { analyze: analyzeCheckpoint });

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  await store.createRun(runMeta('run-n'));
  const weights = [layerWeights('conv1', 3, 0.1)];
  const commit = (phase: 'source' | 'target', epoch: number, step: number, checkpoint: boolean) =>
    store.commitEpoch('run-n', { record: epochRecord(phase, epoch, step), predictions: [], ...(checkpoint ? { weights } : {}) });
  await commit('source', 1, 1, true);
  await commit('source', 2, 2, false);
  await commit('source', 3, 3, true);
  await commit('target', 1, 4, true);
  await commit('target', 2, 5, false);
  await commit('target', 3, 6, true);
});
afterAll(() => {
  store.close();
});

const get = async <T>(app: Hono, path: string): Promise<{ status: number; body: T }> => {
  const res = await app.request(path);
  return { status: res.status, body: (await res.json()) as T };
};

describe('GET /api/runs/:id/epochs/:phase/:epoch/:kind', () => {
  it('computes a target checkpoint against the final source checkpoint once, then serves it from the store', async () => {
    const app = makeApp();
    const first = await get<NetworkResponse>(app, '/api/runs/run-n/epochs/target/1/network');
    expect(first.status).toBe(200);
    expect(first.body.key).toEqual({ runId: 'run-n', phase: 'target', epoch: 1, referencePhase: 'source', referenceEpoch: 3, settings: 'live' });
    expect(first.body.settings).toBe('live');
    expect(first.body.kind).toBe('network');
    expect(first.body.result.seconds).toBe(3);
    expect(analysed).toEqual([{ runId: 'run-n', phase: 'target', epoch: 1 }]);
    // Only the requested kind: an instance layout never waits for a network abstraction.
    expect(askedKinds).toEqual([['network']]);
    const second = await get<NetworkResponse>(app, '/api/runs/run-n/epochs/target/1/network');
    expect(second.body).toEqual(first.body);
    expect(analysed).toHaveLength(1);
    // An analyzer that must not run: what is stored is served as it is.
    const third = await get<NetworkResponse>(
      makeApp(() => Promise.reject(new Error('recomputed'))),
      '/api/runs/run-n/epochs/target/1/network',
    );
    expect(third).toEqual(first);
  });

  it('serves a URL it answered before from memory, and 304 for the ETag the client holds', async () => {
    const app = makeApp();
    const path = '/api/runs/run-n/epochs/target/1/network';
    const first = await app.request(path);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const body = await first.text();
    // The store is not read again for an answer already held.
    const reads = { epochs: 0 };
    const getEpoch = store.getEpoch.bind(store);
    store.getEpoch = (key) => {
      reads.epochs++;
      return getEpoch(key);
    };
    try {
      const again = await app.request(path);
      expect(again.headers.get('etag')).toBe(etag);
      expect(await again.text()).toBe(body);
      const revalidated = await app.request(path, { headers: { 'if-none-match': etag! } });
      expect(revalidated.status).toBe(304);
      expect(reads.epochs).toBe(0);
      // Another reference is another answer, not the held one.
      const other = await get<NetworkResponse>(app, `${path}?reference=target:3`);
      expect(other.body.key.referenceEpoch).toBe(3);
    } finally {
      store.getEpoch = getEpoch;
    }
  });

  it('sends the stored result as stored: byte for byte what serialising the parsed response gives', async () => {
    const app = makeApp();
    const text = await (await app.request('/api/runs/run-n/epochs/target/1/network')).text();
    const parsed = JSON.parse(text) as NetworkResponse;
    const stored = await store.getAnalysis('network', parsed.key);
    expect(stored).not.toBeNull();
    expect(parsed.result).toEqual(stored);
    expect(text).toBe(JSON.stringify({ kind: 'network', key: parsed.key, settings: parsed.settings, result: stored }));
  });

  it('sends a stored projection without its model and PNG', async () => {
    const epochs = await store.listEpochs('run-n');
    const key = analysisKey(
      'projection',
      'run-n',
      epochs,
      epochs.find((e) => e.phase === 'source' && e.epoch === 1)!,
    )!;
    await store.putAnalysis('projection', key, { points: [1, 2], model: { encoder: [] }, mapPng: 'iVBORw0K' } as never);
    const { status, body } = await get<{ result: Record<string, unknown> }>(makeApp(), '/api/runs/run-n/epochs/source/1/projection');
    expect(status).toBe(200);
    expect(body.result).toEqual({ points: [1, 2] });
  });

  it('serves the best stored settings by default, switching to the refined result once it is stored, and either when asked', async () => {
    const app = makeApp();
    const path = '/api/runs/run-n/epochs/source/3/network';
    const live = await get<NetworkResponse>(app, path);
    expect([live.body.settings, live.body.key.settings, live.body.result.steps]).toEqual(['live', 'live', 8]);
    // Held in memory now; the refinement lands (as the background queue stores it) and replaces it at the same URL.
    const key = live.body.key;
    await store.putAnalysis('network', { ...key, settings: 'paper' }, { steps: 50, maxPerClass: 200, seconds: 1, classes: [] });
    const refined = await get<NetworkResponse>(app, path);
    expect([refined.body.settings, refined.body.key.settings, refined.body.result.steps]).toEqual(['paper', 'paper', 50]);
    // Asked explicitly: each setting is its own answer.
    expect((await get<NetworkResponse>(app, `${path}?settings=live`)).body.result.steps).toBe(8);
    expect((await get<NetworkResponse>(app, `${path}?settings=paper`)).body.result.steps).toBe(50);
    const bad = await get<ApiError>(app, `${path}?settings=captum`);
    expect([bad.status, bad.body.error.message]).toEqual([400, "Unknown settings 'captum': use live or paper."]);
  });

  it('computes the paper settings when asked and none are stored, at the lowest priority', async () => {
    const asked: AnalyzeOptions[] = [];
    const app = makeApp((at, options = {}) => {
      asked.push(options);
      return analyze(at, options);
    });
    const { body } = await get<NetworkResponse>(app, '/api/runs/run-n/epochs/target/1/network?settings=paper');
    expect([body.settings, body.result.steps]).toEqual(['paper', 50]);
    expect(asked.map((o) => o.settings)).toEqual(['paper']);
  });

  it('compares a source checkpoint with the previous source checkpoint', async () => {
    const { status, body } = await get<NetworkResponse>(makeApp(), '/api/runs/run-n/epochs/source/3/network');
    expect(status).toBe(200);
    expect(body.key).toMatchObject({ phase: 'source', epoch: 3, referencePhase: 'source', referenceEpoch: 1 });
  });

  it('compares with a chosen checkpoint of the run when asked, stored apart from the default comparison', async () => {
    const { status, body } = await get<NetworkResponse>(makeApp(), '/api/runs/run-n/epochs/target/3/network?reference=target:1');
    expect(status).toBe(200);
    expect(body.key).toEqual({ runId: 'run-n', phase: 'target', epoch: 3, referencePhase: 'target', referenceEpoch: 1, settings: 'live' });
    expect(await store.hasAnalysis('network', { ...body.key, referencePhase: 'source', referenceEpoch: 3 })).toBe(false);
    // The reference may come later in the run too: any other checkpoint plays the source model.
    const later = await get<NetworkResponse>(makeApp(), '/api/runs/run-n/epochs/source/1/network?reference=target:3');
    expect(later.body.key).toMatchObject({ phase: 'source', epoch: 1, referencePhase: 'target', referenceEpoch: 3 });
  });

  it('answers 400 JSON for a reference that is malformed, not another checkpoint, or given to a one-model kind', async () => {
    const app = makeApp(() => Promise.reject(new Error('must not be asked')));
    for (const [path, says] of [
      ['target/3/network?reference=source', 'PHASE:EPOCH'],
      ['target/3/network?reference=source:2', 'not another checkpoint'],
      ['target/3/network?reference=target:3', 'not another checkpoint'],
      ['target/3/network?reference=target:9', 'not another checkpoint'],
      ['target/3/instances?reference=source:1', 'takes no reference'],
    ] as const) {
      const { status, body } = await get<ApiError>(app, `/api/runs/run-n/epochs/${path}`);
      expect([path, status, body.error.code]).toEqual([path, 400, 'INVALID_ARGUMENT']);
      expect(body.error.message).toContain(says);
    }
  });

  it('answers 500 JSON saying so when the analysis stored nothing, and leaves unknown kinds to the API 404', async () => {
    const app = makeApp(async () => {});
    const { status, body } = await get<ApiError>(app, '/api/runs/run-n/epochs/target/3/network');
    expect([status, body.error.code]).toEqual([500, 'INTERNAL']);
    expect(body.error.message).toMatch(/^Internal error [0-9a-f]{8}; the server log has the details.$/);
    expect((await app.request('/api/runs/run-n/epochs/target/1/everything')).status).toBe(404);
  });

  it('answers 404 JSON for an epoch that is not a checkpoint, not committed, or has nothing to compare with', async () => {
    const app = makeApp();
    for (const path of ['target/2', 'source/2', 'target/9', 'source/1']) {
      const { status, body } = await get<ApiError>(app, `/api/runs/run-n/epochs/${path}/network`);
      expect([path, status, body.error.code]).toEqual([path, 404, 'EPOCH_NOT_FOUND']);
    }
    const unknownRun = await get<ApiError>(app, '/api/runs/nope/epochs/target/1/network');
    expect([unknownRun.status, unknownRun.body.error.code]).toEqual([404, 'RUN_NOT_FOUND']);
  });

  it('answers 400 JSON for a bad phase or epoch', async () => {
    const app = makeApp();
    for (const path of ['middle/1', 'target/0', 'target/x']) {
      const { status, body } = await get<ApiError>(app, `/api/runs/run-n/epochs/${path}/network`);
      expect([status, body.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    }
  });
});

describe('Store analyses', () => {
  it('returns null for an absent key, keys by kind and reference, and refuses to overwrite a stored one', async () => {
    const key: AnalysisKey = { runId: 'run-x', phase: 'target', epoch: 2, referencePhase: 'source', referenceEpoch: 1 };
    expect(await store.getAnalysis('network', key)).toBeNull();
    const result: NetworkAbstraction = { steps: 4, maxPerClass: 1, seconds: 0.5, classes: [] };
    await store.putAnalysis('network', key, result);
    expect(await store.getAnalysis('network', key)).toEqual(result);
    expect(await store.getAnalysis('network', { ...key, referenceEpoch: 2 })).toBeNull();
    expect(await store.getAnalysis('network', { ...key, referencePhase: null, referenceEpoch: null })).toBeNull();
    await expect(store.putAnalysis('network', key, { ...result, steps: 8 })).rejects.toMatchObject({ code: 'RUN_EXISTS' });
    expect(await store.getAnalysis('network', key)).toEqual(result);
    await expect(store.getAnalysis('network', { ...key, runId: "x' OR 1=1" })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.getAnalysis('network', { ...key, epoch: 1.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('keeps a key without a reference apart from keys with one', async () => {
    const key: AnalysisKey = { runId: 'run-y', phase: 'source', epoch: 1, referencePhase: null, referenceEpoch: null };
    await store.putAnalysis('network', key, { steps: 1, maxPerClass: 1, seconds: 1, classes: [] });
    expect(await store.hasAnalysis('network', key)).toBe(true);
    expect(await store.hasAnalysis('network', { ...key, referencePhase: 'source', referenceEpoch: 1 })).toBe(false);
  });
});
