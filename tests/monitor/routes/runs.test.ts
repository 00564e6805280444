import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { Store } from '../../../store/store.ts';
import { createApp } from '../../../monitor/app.ts';
import type { ConfusionResponse, EpochRecord, MetricsResponse, RunMeta, RunSummary } from '../../../core/protocol.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { epochRecord, runMeta } from '../../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;
let app: ReturnType<typeof createApp>;

const labels = Int32Array.from([0, 0, 1, 1, 2, 2]);
const pixels = new Uint8Array(labels.length * 2 * 2 * 3);

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  app = createApp(store);
  await store.createRun(runMeta('run-a'));
  await store.putInstances('run-a', [{ split: 'target-validation', labels, height: 2, width: 2, pixels }]);
  const commit = (record: EpochRecord, predicted: number[]) =>
    store.commitEpoch('run-a', { record, predictions: [{ split: 'target-validation', predicted: Int16Array.from(predicted) }] });
  await commit({ ...epochRecord('source', 1, 1), accTargetValidation: 0.3 }, [0, 1, 1, 1, 0, 0]);
  await commit({ ...epochRecord('source', 2, 2), accTargetValidation: 0.5 }, [0, 0, 1, 1, 0, 0]);
  await commit({ ...epochRecord('target', 1, 3), accTargetValidation: 0.8 }, [0, 0, 1, 1, 2, 1]);
});
afterAll(() => store.close());

const getJson = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const res = await app.request(path);
  return { status: res.status, body: (await res.json()) as T };
};

describe('/api/runs', () => {
  it('lists runs and returns a run with its last epoch', async () => {
    const list = await getJson<RunSummary[]>('/api/runs');
    expect(list.body.map((r) => r.id)).toEqual(['run-a']);
    const run = await getJson<RunMeta>('/api/runs/run-a');
    expect(run.body.lastEpoch).toEqual({ phase: 'target', epoch: 1, step: 3 });
    expect(run.body.classNames).toEqual(['0', '1', '2']);
  });

  it("returns both phases' epochs in step order", async () => {
    const { body } = await getJson<MetricsResponse>('/api/runs/run-a/metrics');
    expect(body.epochs.map((e) => `${e.phase}${e.epoch}`)).toEqual(['source1', 'source2', 'target1']);
  });

  it('builds the confusion table against the final source model once fine-tuning runs', async () => {
    const { status, body } = await getJson<ConfusionResponse>('/api/runs/run-a/epochs/target/1/confusion');
    expect(status).toBe(200);
    expect(body.sourceReference).toEqual({ phase: 'source', epoch: 2, step: 2 });
    expect(body.rows.map((r) => [r.sourceModelAccuracy, r.targetModelAccuracy])).toEqual([
      [1, 1],
      [1, 1],
      [0, 0.5],
    ]);
    expect(body.rows[2]!.mispredictedInto.map((m) => m.classIndex)).toEqual([1]);
    expect(body.transferability.score).toBeCloseTo(0.3, 12);
  });

  it('uses the viewed source epoch during the source phase and has no target column', async () => {
    const { body } = await getJson<ConfusionResponse>('/api/runs/run-a/epochs/source/1/confusion');
    expect(body.sourceReference?.epoch).toBe(1);
    expect(body.rows.map((r) => r.sourceModelAccuracy)).toEqual([0.5, 1, 0]);
    expect(body.rows.every((r) => r.targetModelAccuracy === null)).toBe(true);
    expect(body.transferability.score).toBeNull();
  });

  it.each([
    ['/api/runs/nope', 404, 'RUN_NOT_FOUND'],
    ['/api/runs/nope/metrics', 404, 'RUN_NOT_FOUND'],
    ['/api/runs/run-a/epochs/target/9/confusion', 404, 'EPOCH_NOT_FOUND'],
    ['/api/runs/run-a/epochs/middle/1/confusion', 400, 'INVALID_ARGUMENT'],
    ['/api/runs/run-a/epochs/target/0/confusion', 400, 'INVALID_ARGUMENT'],
    ['/api/runs/bad%20id', 400, 'INVALID_ARGUMENT'],
    ['/api/nothing', 404, 'NOT_FOUND'],
  ])('answers %s with %i %s as one JSON error line', async (path, status, code) => {
    const res = await getJson<{ error: { code: string; message: string } }>(path);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).not.toContain('\n');
    expect(res.body.error.message.length).toBeGreaterThan(10);
  });
});
