import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../store/store.ts';
import { createApp } from '../../../monitor/app.ts';
import type { ApiError, Phase } from '../../../core/protocol.ts';
import type { CompareResponse, ImportantChangesResponse, WeightDriftResponse } from '../../../core/compare-protocol.ts';
import type { NetworkAbstraction } from '../../../core/network-protocol.ts';
import type { LayerWeights } from '../../../store/schema/tables.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { epochRecord, networkLayer, runMeta } from '../../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;

// Six target-validation and four source-validation instances; classes 0, 1, 2 as in runMeta.
const TARGET_LABELS = [0, 0, 1, 1, 2, 2];
const SOURCE_LABELS = [0, 1, 2, 2];
const fc8 = (scale: number): LayerWeights => ({
  layer: 'fc8',
  kernelShape: [2, 3],
  kernel: Float32Array.from([3, 0, 0, 0, 0, 0], (v) => v * scale),
  bias: Float32Array.from([0, 4 * scale, 0]),
});
const conv1 = (shift: number): LayerWeights => ({
  layer: 'conv1',
  kernelShape: [1, 1, 1, 2],
  kernel: Float32Array.from([1, 1 + shift]),
  bias: new Float32Array(2),
});

async function commit(runId: string, phase: Phase, epoch: number, step: number, predictions: { target: number[]; source: number[] }, weights?: LayerWeights[]) {
  await store.commitEpoch(runId, {
    record: { ...epochRecord(phase, epoch, step, 0.4 + step / 10), checkpoint: weights !== undefined },
    predictions: [
      { split: 'target-validation', predicted: Int16Array.from(predictions.target) },
      { split: 'source-validation', predicted: Int16Array.from(predictions.source) },
    ],
    ...(weights ? { weights } : {}),
  });
}

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  for (const [id, classNames] of [
    ['run-a', ['0', '1', '2']],
    ['run-b', ['2', '1', '9']],
  ] as const) {
    await store.createRun(runMeta(id, { classNames: [...classNames] }));
    const split = (labels: number[]) => ({ labels: Int32Array.from(labels), height: 1, width: 1, pixels: new Uint8Array(labels.length * 3) });
    await store.putInstances(id, [
      { split: 'target-validation', ...split(TARGET_LABELS) },
      { split: 'source-validation', ...split(SOURCE_LABELS) },
    ]);
  }
  const perfect = { target: TARGET_LABELS, source: SOURCE_LABELS };
  await commit('run-a', 'source', 1, 1, { target: [0, 1, 1, 0, 2, 0], source: SOURCE_LABELS }, [conv1(0), fc8(1)]);
  await commit('run-a', 'target', 1, 2, { target: [0, 0, 1, 0, 2, 2], source: SOURCE_LABELS }, [conv1(1), fc8(1)]);
  await commit('run-a', 'target', 2, 3, perfect);
  await commit('run-a', 'target', 3, 4, perfect, [conv1(3), fc8(0.5)]);
  await commit('run-b', 'source', 1, 1, perfect, [conv1(0), fc8(1)]);
});
afterAll(() => store.close());

const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const res = await createApp(store).request(path);
  return { status: res.status, body: (await res.json()) as T };
};

describe('GET /api/compare', () => {
  it('gives per-class accuracy deltas and per-layer weight changes between two checkpoints of a run', async () => {
    const { status, body } = await get<CompareResponse>('/api/compare?a=run-a:source:1&b=run-a:target:1');
    expect(status).toBe(200);
    expect(body.a).toMatchObject({ runId: 'run-a', phase: 'source', epoch: 1, step: 1, checkpoint: true });
    const target = body.classes.filter((r) => r.split === 'target-validation');
    // Class 0: 1/2 -> 2/2; class 1: 1/2 -> 1/2; class 2: 1/2 -> 2/2.
    expect(target.map((r) => [r.className, r.a, r.b, r.delta])).toEqual([
      ['0', 0.5, 1, 0.5],
      ['1', 0.5, 0.5, 0],
      ['2', 0.5, 1, 0.5],
    ]);
    // From the stored metrics: accTargetValidation 0.25 at step 1, 0.3 at step 2.
    expect(body.overall.find((o) => o.split === 'target-validation')!.delta).toBeCloseTo(0.05, 6);
    const conv = body.layers!.find((l) => l.layer === 'conv1')!;
    // ||(1,2) - (1,1)|| / ||(1,1)||
    expect(conv.relativeL2).toBeCloseTo(1 / Math.SQRT2, 5);
    expect(body.layers!.find((l) => l.layer === 'fc8')!.relativeL2).toBe(0);
    expect(body.layersUnavailable).toBeNull();
  });

  it('compares two runs by class name, and says why layers are missing for an epoch without weights', async () => {
    const { body } = await get<CompareResponse>('/api/compare?a=run-a:target:2&b=run-b:source:1');
    expect(body.layers).toBeNull();
    expect(body.layersUnavailable).toContain('a (target 2) is not one');
    expect(body.classes.filter((r) => r.split === 'target-validation').map((r) => r.className)).toEqual(['2', '1', '9', '0']);
  });

  it('answers 400 JSON for a malformed side and 404 JSON for an unknown run or epoch', async () => {
    for (const query of ['a=run-a:target&b=run-a:target:1', 'a=run-a:middle:1&b=run-a:target:1', 'b=run-a:target:1', 'a=run-a:target:0&b=run-a:target:1']) {
      const { status, body } = await get<ApiError>(`/api/compare?${query}`);
      expect([query, status, body.error.code]).toEqual([query, 400, 'INVALID_ARGUMENT']);
    }
    expect((await get<ApiError>('/api/compare?a=nope:target:1&b=run-a:target:1')).body.error.code).toBe('RUN_NOT_FOUND');
    expect((await get<ApiError>('/api/compare?a=run-a:target:9&b=run-a:target:1')).body.error.code).toBe('EPOCH_NOT_FOUND');
  });
});

describe('GET /api/compare/important', () => {
  it('diffs the stored network abstractions of two checkpoints, and says how to compute a missing one', async () => {
    const abstraction = (neurons: number[]): NetworkAbstraction => ({
      steps: 1,
      maxPerClass: 1,
      seconds: 0,
      classes: [0, 1, 2].map((classIndex) => ({
        classIndex,
        instances: [],
        boundaries: [],
        layers: [networkLayer('conv1', neurons, 2)],
      })),
    });
    const key = (epoch: number) => ({ runId: 'run-a', phase: 'target' as const, epoch, referencePhase: 'source' as const, referenceEpoch: 1 });
    await store.putAnalysis('network', key(1), abstraction([0]));
    const missing = await get<ApiError>('/api/compare/important?a=run-a:target:1&b=run-a:target:3');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'EPOCH_NOT_FOUND']);
    expect(missing.body.error.message).toContain('npx transferscope analyze --run run-a --phase target --epoch 3');
    await store.putAnalysis('network', key(3), abstraction([1, 0]));
    const { status, body } = await get<ImportantChangesResponse>('/api/compare/important?a=run-a:target:1&b=run-a:target:3');
    expect(status).toBe(200);
    expect(body.classes).toHaveLength(3);
    expect(body.classes[0]!.layers[0]!.neurons).toEqual({ kept: [0], added: [1], removed: [] });
    expect(body.settings).toEqual({ a: 'live', b: 'live' });

    // Like with like: one side refined, the other not, compares the live estimates.
    await store.putAnalysis('network', { ...key(3), settings: 'paper' }, abstraction([2]));
    const oneRefined = await get<ImportantChangesResponse>('/api/compare/important?a=run-a:target:1&b=run-a:target:3');
    expect(oneRefined.body.settings).toEqual({ a: 'live', b: 'live' });
    expect(oneRefined.body.classes[0]!.layers[0]!.neurons.added).toEqual([1]);
    // Both refined: the paper's settings on both sides.
    await store.putAnalysis('network', { ...key(1), settings: 'paper' }, abstraction([2]));
    const bothRefined = await get<ImportantChangesResponse>('/api/compare/important?a=run-a:target:1&b=run-a:target:3');
    expect(bothRefined.body.settings).toEqual({ a: 'paper', b: 'paper' });
    expect(bothRefined.body.classes[0]!.layers[0]!.neurons).toEqual({ kept: [2], added: [], removed: [] });

    // An estimate against a refined result: refused with one line, unless asked for with mixed=1.
    const refused = await get<ApiError>('/api/compare/important?a=run-a:target:1&b=run-a:target:3&settings=live,paper');
    expect([refused.status, refused.body.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect(refused.body.error.message).toContain('mixed=1');
    expect(refused.body.error.message).not.toContain('\n');
    const mixed = await get<ImportantChangesResponse>('/api/compare/important?a=run-a:target:1&b=run-a:target:3&settings=live,paper&mixed=1');
    expect(mixed.body.settings).toEqual({ a: 'live', b: 'paper' });
    expect(mixed.body.classes[0]!.layers[0]!.neurons).toEqual({ kept: [], added: [2], removed: [0] });
    const unknown = await get<ApiError>('/api/compare/important?a=run-a:target:1&b=run-a:target:3&settings=fast');
    expect([unknown.status, unknown.body.error.message]).toEqual([400, "Unknown settings 'fast': use live or paper."]);
  });
});

describe('GET /api/runs/:id/weight-drift', () => {
  it("gives each target checkpoint's per-layer distance from the final source checkpoint", async () => {
    const { status, body } = await get<WeightDriftResponse>('/api/runs/run-a/weight-drift');
    expect(status).toBe(200);
    expect(body.reference).toEqual({ phase: 'source', epoch: 1, step: 1 });
    expect(body.checkpoints.map((c) => c.at.epoch)).toEqual([1, 3]);
    const fc8At3 = body.checkpoints[1]!.layers.find((l) => l.layer === 'fc8')!;
    expect(fc8At3.relativeL2).toBeCloseTo(0.5, 6);
    // Served again (from the cache) unchanged.
    expect((await get<WeightDriftResponse>('/api/runs/run-a/weight-drift')).body).toEqual(body);
    const none = await get<WeightDriftResponse>('/api/runs/run-b/weight-drift');
    expect(none.body.checkpoints).toEqual([]);
    expect((await get<ApiError>('/api/runs/nope/weight-drift')).status).toBe(404);
  });
});
