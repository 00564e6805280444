// Answers kept under their epochs' commit times (confusion, compare, weight drift): served from memory while the
// epochs stay, and never stale once another connection (a resumed trainer) re-commits one. Real LanceDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../store/store.ts';
import { createApp } from '../../../monitor/app.ts';
import type { ConfusionResponse, EpochRecord } from '../../../core/protocol.ts';
import type { CompareResponse, WeightDriftResponse } from '../../../core/compare-protocol.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../../helpers/run-fixture.ts';

const dir = useTempDir();
let monitorStore: Store;
let trainer: Store;
let app: ReturnType<typeof createApp>;

const labels = Int32Array.from([0, 0, 1, 1, 2, 2]);
const commit = (record: EpochRecord, predicted: number[], weightFill?: number) =>
  trainer.commitEpoch('r', {
    record,
    predictions: [{ split: 'target-validation', predicted: Int16Array.from(predicted) }],
    ...(weightFill === undefined ? {} : { weights: [layerWeights('conv1', 4, weightFill), layerWeights('fc8', 3, weightFill)] }),
  });

beforeAll(async () => {
  trainer = await Store.open(`${dir}/db`);
  monitorStore = await Store.open(`${dir}/db`, { cacheBytes: 2 ** 20 });
  app = createApp(monitorStore);
  await trainer.createRun(runMeta('r'));
  await trainer.putInstances('r', [{ split: 'target-validation', labels, height: 1, width: 1, pixels: new Uint8Array(18) }]);
  await commit(epochRecord('source', 1, 1), [0, 0, 0, 0, 0, 0], 1);
  await commit(epochRecord('source', 2, 2), [0, 0, 1, 1, 0, 0], 1);
  await commit(epochRecord('target', 1, 3), [0, 0, 1, 1, 2, 2], 2);
});
afterAll(() => {
  monitorStore.close();
  trainer.close();
});

const get = async <T>(path: string, etag?: string) => {
  const res = await app.request(path, etag ? { headers: { 'if-none-match': etag } } : {});
  return { status: res.status, etag: res.headers.get('etag') ?? '', body: res.status === 200 ? ((await res.json()) as T) : null };
};
const targetAccuracy = (body: ConfusionResponse | null) => body?.rows.map((r) => r.targetModelAccuracy);

describe('answers of committed epochs', () => {
  it('are revalidated by ETag while the epochs stay, and change when a resume re-commits one', async () => {
    const confusion = '/api/runs/r/epochs/target/1/confusion';
    const compare = '/api/compare?a=r:source:2&b=r:target:1';
    const drift = '/api/runs/r/weight-drift';
    const first = {
      confusion: await get<ConfusionResponse>(confusion),
      compare: await get<CompareResponse>(compare),
      drift: await get<WeightDriftResponse>(drift),
    };
    expect(targetAccuracy(first.confusion.body)).toEqual([1, 1, 1]);
    expect(first.compare.body?.classes.filter((c) => c.split === 'target-validation').map((c) => c.b)).toEqual([1, 1, 1]);
    const driftOf = (body: WeightDriftResponse | null) => body?.checkpoints.map((c) => [c.at.step, c.layers.map((l) => l.relativeL2! > 0)]);
    expect(driftOf(first.drift.body)).toEqual([[3, [true, true]]]);
    for (const [path, { etag }] of [
      [confusion, first.confusion],
      [compare, first.compare],
      [drift, first.drift],
    ] as const) {
      expect((await get(path, etag)).status).toBe(304);
    }

    // Resumed from step 2: target epoch 1 is discarded and trained again, to other predictions and weights.
    await trainer.recovery.discardEpochsAfter('r', 2);
    expect((await get(confusion)).status).toBe(404);
    await commit(epochRecord('target', 1, 3), [0, 1, 1, 1, 2, 0], 1);

    const again = {
      confusion: await get<ConfusionResponse>(confusion, first.confusion.etag),
      compare: await get<CompareResponse>(compare, first.compare.etag),
    };
    expect(again.confusion.status).toBe(200);
    expect(targetAccuracy(again.confusion.body)).toEqual([0.5, 1, 0.5]);
    expect(again.compare.status).toBe(200);
    expect(again.compare.body?.classes.filter((c) => c.split === 'target-validation').map((c) => c.b)).toEqual([0.5, 1, 0.5]);
    // The re-trained checkpoint has the source model's weights again: no drift.
    const drifted = await get<WeightDriftResponse>(drift, first.drift.etag);
    expect(drifted.status).toBe(200);
    expect(drifted.body?.checkpoints.map((c) => c.layers.map((l) => l.relativeL2))).toEqual([[0, 0]]);
  });

  it('include an epoch committed after the first answer', async () => {
    const drift = '/api/runs/r/weight-drift';
    const before = await get<WeightDriftResponse>(drift);
    await commit(epochRecord('target', 2, 4), [0, 0, 1, 1, 2, 2], 3);
    const after = await get<WeightDriftResponse>(drift, before.etag);
    expect(after.status).toBe(200);
    expect(after.body?.checkpoints.map((c) => c.at.step)).toEqual([...before.body!.checkpoints.map((c) => c.at.step), 4]);
  });
});
