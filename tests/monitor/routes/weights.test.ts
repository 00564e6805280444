// The weight-map route over a real LanceDB store: conv, flatten (conv5 -> fc6) and dense slices of a stored
// checkpoint, and JSON 4xx answers for what it cannot serve.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../store/store.ts';
import { createApp } from '../../../monitor/app.ts';
import type { ApiError } from '../../../core/protocol.ts';
import type { WeightSliceResponse } from '../../../core/network-protocol.ts';
import type { LayerWeights } from '../../../store/schema/tables.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { epochRecord, runMeta } from '../../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;

// Kernels hold their flat index plus an offset per checkpoint, so a value tells where it was read from.
const layer = (name: LayerWeights['layer'], kernelShape: number[], offset: number): LayerWeights => {
  const size = kernelShape.reduce((a, b) => a * b, 1);
  const outputs = kernelShape.at(-1)!;
  return {
    layer: name,
    kernelShape,
    kernel: Float32Array.from({ length: size }, (_, i) => offset + i),
    bias: Float32Array.from({ length: outputs }, (_, i) => -i),
  };
};
const checkpoint = (offset: number): LayerWeights[] => [
  layer('conv1', [2, 2, 3, 2], offset),
  layer('conv2', [2, 2, 2, 3], offset),
  layer('conv5', [1, 1, 3, 2], offset),
  // conv5's pooled map is 2 x 2 positions of 2 channels.
  layer('fc6', [8, 3], offset),
  layer('fc7', [3, 2], offset),
];

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  await store.createRun(runMeta('run-w'));
  await store.commitEpoch('run-w', { record: { ...epochRecord('source', 1, 1), checkpoint: true }, predictions: [], weights: checkpoint(0) });
  await store.commitEpoch('run-w', { record: epochRecord('source', 2, 2), predictions: [] });
  await store.commitEpoch('run-w', { record: { ...epochRecord('target', 1, 3), checkpoint: true }, predictions: [], weights: checkpoint(1000) });
});
afterAll(() => {
  store.close();
});

const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const res = await createApp(store).request(path);
  return { status: res.status, body: (await res.json()) as T };
};

describe('GET /api/runs/:id/epochs/:phase/:epoch/layers/:layer/weights', () => {
  it('serves the kh x kw kernel between two channels of each checkpoint', async () => {
    // conv2 [2, 2, in=2, out=3]: entry (p * 2 + n1) * 3 + n2 for n1 = 1, n2 = 2: 5, 11, 17, 23.
    const source = await get<WeightSliceResponse>('/api/runs/run-w/epochs/source/1/layers/conv2/weights?from=1&to=2');
    expect(source.status).toBe(200);
    expect(source.body).toEqual({
      runId: 'run-w',
      phase: 'source',
      epoch: 1,
      layer: 'conv2',
      fromLayer: 'conv1',
      from: 1,
      to: 2,
      kind: 'conv',
      rows: 2,
      cols: 2,
      values: [5, 11, 17, 23],
      incoming: [],
      bias: -2,
    });
    const target = await get<WeightSliceResponse>('/api/runs/run-w/epochs/target/1/layers/conv2/weights?from=1&to=2');
    expect(target.body.values).toEqual([1005, 1011, 1017, 1023]);
  });

  it("serves a conv5 channel's block of fc6 weights as the 2 x 2 map, and a dense weight with its column", async () => {
    // fc6 [8, 3]: unit (p * 2 + n1), entry unit * 3 + n2 for n1 = 1, n2 = 0: units 1, 3, 5, 7.
    const flatten = await get<WeightSliceResponse>('/api/runs/run-w/epochs/source/1/layers/fc6/weights?from=1&to=0');
    expect([flatten.body.fromLayer, flatten.body.kind, flatten.body.rows, flatten.body.cols, flatten.body.values]).toEqual([
      'conv5',
      'flatten',
      2,
      2,
      [3, 9, 15, 21],
    ]);
    const dense = await get<WeightSliceResponse>('/api/runs/run-w/epochs/source/1/layers/fc7/weights?from=2&to=1');
    expect([dense.body.kind, dense.body.values, dense.body.incoming]).toEqual(['dense', [5], [1, 3, 5]]);
  });

  it('answers 400 JSON for a bad layer or neuron, saying what it got', async () => {
    for (const [query, pattern] of [
      ['layers/conv1/weights?from=0&to=0', /Invalid layer 'conv1'/],
      ['layers/pool1/weights?from=0&to=0', /Invalid layer 'pool1'/],
      ['layers/conv2/weights?to=0', /Missing query parameter 'from': pass a neuron index/],
      ['layers/conv2/weights?from=-1&to=0', /Invalid query parameter 'from' '-1'/],
      ['layers/conv2/weights?from=0&to=1.5', /Invalid query parameter 'to' '1.5'/],
      ['layers/conv2/weights?from=1e21&to=0', /Invalid query parameter 'from' '1e21': use a whole number from 0 to 65535/],
      ['layers/conv2/weights?from=0&to=4294967296', /Invalid query parameter 'to' '4294967296'/],
      ['layers/conv2/weights?from=2&to=0', /'from' must be in \[0, 2\)/],
    ] as const) {
      const { status, body } = await get<ApiError>(`/api/runs/run-w/epochs/source/1/${query}`);
      expect([query, status, body.error.code]).toEqual([query, 400, 'INVALID_ARGUMENT']);
      expect(body.error.message).toMatch(pattern);
    }
  });

  it('answers 404 JSON for an epoch without weights or an unknown run', async () => {
    const notCheckpoint = await get<ApiError>('/api/runs/run-w/epochs/source/2/layers/conv2/weights?from=0&to=0');
    expect([notCheckpoint.status, notCheckpoint.body.error.code]).toEqual([404, 'EPOCH_NOT_FOUND']);
    const unknown = await get<ApiError>('/api/runs/nope/epochs/source/1/layers/conv2/weights?from=0&to=0');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'RUN_NOT_FOUND']);
  });
});

describe('Store.getWeights', () => {
  it('reads only the layers asked for', async () => {
    const key = { runId: 'run-w', phase: 'source' as const, epoch: 1 };
    expect((await store.getWeights(key)).map((w) => w.layer).sort()).toEqual(['conv1', 'conv2', 'conv5', 'fc6', 'fc7']);
    expect((await store.getWeights(key, ['fc7', 'conv2'])).map((w) => w.layer).sort()).toEqual(['conv2', 'fc7']);
    expect(await store.getWeights(key, [])).toEqual([]);
  });
});
