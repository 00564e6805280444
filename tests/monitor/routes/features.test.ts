// Feature images through a real worker pool on a real store: bad layers and neurons are refused before any
// worker starts, and a failed render is answered from memory for a while instead of forking again.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Store } from '../../../store/store.ts';
import { createApp } from '../../../monitor/app.ts';
import { makeAnalysisWorkers, type AnalysisWorkers } from '../../../monitor/analysis-workers.ts';
import type { ApiError } from '../../../core/protocol.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;
let workers: AnalysisWorkers;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  // A run whose metadata records conv1's 4 neurons; its config is no model, so a render that starts fails.
  await store.createRun(runMeta('feat', { layers: [{ name: 'conv1', kernelShape: [3, 3, 3, 4], biasShape: [4] }] }));
  await store.commitEpoch('feat', { record: { ...epochRecord('source', 1, 1), checkpoint: true }, predictions: [], weights: [layerWeights('conv1', 3, 0.1)] });
  await store.commitEpoch('feat', { record: epochRecord('source', 2, 2), predictions: [] });
  workers = makeAnalysisWorkers(store.uri, 1);
  app = createApp(store, { renderFeatureImage: workers.renderFeatureImage });
});
afterAll(async () => {
  await workers.close();
  store.close();
});

const image = async (path: string): Promise<Response> => app.request(`/api/runs/feat/epochs/${path}/feature.png`);
const error = async (res: Response) => ((await res.json()) as ApiError).error;

it('refuses an out-of-range neuron, an unknown layer, a malformed index and a plain epoch without starting a worker', async () => {
  const outOfRange = await image('source/1/layers/conv1/neurons/4');
  expect(outOfRange.status).toBe(400);
  expect((await error(outOfRange)).message).toBe("Layer 'conv1' has 4 neurons, so neuron 4 does not exist (use 0-3).");
  expect((await image('source/1/layers/conv9/neurons/1')).status).toBe(400);
  expect((await image('source/1/layers/conv1/neurons/1e3')).status).toBe(400);
  const plain = await image('source/2/layers/conv1/neurons/1');
  expect([plain.status, (await error(plain)).code]).toEqual([404, 'EPOCH_NOT_FOUND']);
  expect((await image('source/1/layers/conv1/neurons/3').then(error)).code).not.toBe('INVALID_ARGUMENT');
  expect(workers.startedJobs).toBe(1); // only the in-range neuron reached a worker
});

it("answers a failed render again from memory, without another worker, with the worker's error code and message", async () => {
  const before = workers.startedJobs;
  const first = await image('source/1/layers/conv1/neurons/2');
  const firstError = await error(first);
  expect(workers.startedJobs).toBe(before + 1);
  // The run's config is no model: the worker's TransferscopeError crossed the process boundary as code and message.
  expect([first.status, firstError.code]).toEqual([400, 'INVALID_CONFIG']);
  expect(firstError.message).not.toMatch(/\n| {4}at /);
  const again = await image('source/1/layers/conv1/neurons/2');
  expect([again.status, await error(again)]).toEqual([400, firstError]);
  expect(workers.startedJobs).toBe(before + 1);
});
