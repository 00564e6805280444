// A cold cache under load: many dashboards ask for one stored analysis at once. They share one store read and one
// encoding; a missing analysis is still computed (once) and served to each. Real LanceDB, the real app.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Store } from '../../../store/store.ts';
import { createApp } from '../../../monitor/app.ts';
import type { AnalyzeCheckpoint } from '../../../monitor/analysis-workers.ts';
import { analysisKey } from '../../../core/analysis-keys.ts';
import type { NetworkResponse } from '../../../core/analysis-protocol.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;
let computed = 0;

// Stands in for the analysis worker: stores an abstraction whose `seconds` names the checkpoint's epoch.
const analyze: AnalyzeCheckpoint = async (at) => {
  computed++;
  const epochs = await store.listEpochs(at.runId);
  const key = analysisKey(
    'network',
    at.runId,
    epochs,
    epochs.find((e) => e.phase === at.phase && e.epoch === at.epoch)!,
  )!;
  // The real workers share one job per key; the stand-in does the same, so concurrent calls store once.
  const id = `${key.runId}/${key.phase}/${key.epoch}`;
  let storing = storingByKey.get(id);
  if (!storing) {
    storing = store
      .hasAnalysis('network', key)
      .then((stored) => (stored ? undefined : store.putAnalysis('network', key, { steps: 16, maxPerClass: 20, seconds: at.epoch, classes: [] })));
    storingByKey.set(id, storing);
  }
  await storing;
};
const storingByKey = new Map<string, Promise<void>>();

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  await store.createRun(runMeta('r'));
  const weights = [layerWeights('conv1', 3, 0.1)];
  await store.commitEpoch('r', { record: epochRecord('source', 1, 1), predictions: [], weights });
  await store.commitEpoch('r', { record: epochRecord('target', 1, 2), predictions: [], weights });
  await store.commitEpoch('r', { record: epochRecord('target', 2, 3), predictions: [], weights });
  await analyze({ runId: 'r', phase: 'target', epoch: 1 });
  computed = 0;
});
afterAll(() => store.close());

it('reads a stored analysis once for many concurrent first requests', async () => {
  const app = createApp(store, { analyze });
  let reads = 0;
  const getAnalysisJson = store.getAnalysisJson.bind(store);
  store.getAnalysisJson = (kind, key) => {
    reads++;
    return getAnalysisJson(kind, key);
  };
  try {
    const answers = await Promise.all(Array.from({ length: 20 }, async () => app.request('/api/runs/r/epochs/target/1/network')));
    const bodies = await Promise.all(answers.map(async (res) => ((await res.json()) as NetworkResponse).result.seconds));
    expect(answers.map((res) => res.status)).toEqual(Array(20).fill(200));
    expect(bodies).toEqual(Array(20).fill(1));
    expect(reads).toBe(1);
    expect(computed).toBe(0);
  } finally {
    store.getAnalysisJson = getAnalysisJson;
  }
});

it('computes an analysis that is not stored, and serves it to every waiting request', async () => {
  const app = createApp(store, { analyze });
  const answers = await Promise.all(Array.from({ length: 5 }, async () => app.request('/api/runs/r/epochs/target/2/network')));
  expect(answers.map((res) => res.status)).toEqual(Array(5).fill(200));
  expect(await Promise.all(answers.map(async (res) => ((await res.json()) as NetworkResponse).result.seconds))).toEqual(Array(5).fill(2));
  expect(computed).toBeGreaterThanOrEqual(1);
});
