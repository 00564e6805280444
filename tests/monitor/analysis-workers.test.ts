// The worker pool on a real store with real forked workers: a worker's typed failure reaches the caller, the
// line of waiting feature renders is bounded, and close() ends the workers and refuses later work.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Store } from '../../store/store.ts';
import { makeAnalysisWorkers, MAX_WAITING_FEATURE_RENDERS } from '../../monitor/analysis-workers.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  await store.createRun(runMeta('pool'));
  await store.commitEpoch('pool', { record: { ...epochRecord('source', 1, 1), checkpoint: true }, predictions: [], weights: [layerWeights('conv1', 3, 0.1)] });
});
afterAll(() => store.close());

it('rejects with the code and message the worker reported, not a parsed output line', async () => {
  const workers = makeAnalysisWorkers(store.uri, 1);
  try {
    await expect(workers.analyze({ runId: 'pool', phase: 'target', epoch: 7 }, { kinds: ['instances'] })).rejects.toMatchObject({
      code: 'EPOCH_NOT_FOUND',
      message: expect.stringMatching(/has no committed epoch 7/),
    });
    expect(workers.startedJobs).toBe(1);
  } finally {
    await workers.close();
  }
});

it(`refuses a feature render with BUSY beyond ${MAX_WAITING_FEATURE_RENDERS} waiting, and rejects the waiting ones on close()`, async () => {
  const workers = makeAnalysisWorkers(store.uri, 1);
  const neuron = (n: number) => ({ runId: 'pool', phase: 'source' as const, epoch: 1, layer: 'conv1' as const, neuron: n });
  // One render holds the only worker; these calls all happen before it can answer (no await in between).
  const renders = Array.from({ length: MAX_WAITING_FEATURE_RENDERS + 2 }, (_, n) =>
    workers.renderFeatureImage(neuron(n)).then(
      () => 'rendered',
      (err: { code: string }) => err.code,
    ),
  );
  await workers.close();
  const outcomes = await Promise.all(renders);
  expect(outcomes.at(-1)).toBe('BUSY');
  expect(outcomes.slice(0, -1)).not.toContain('BUSY');
  expect(outcomes.filter((o) => o === 'rendered')).toEqual([]);
  expect(workers.startedJobs).toBe(1);
  await expect(workers.analyze({ runId: 'pool', phase: 'source', epoch: 1 })).rejects.toMatchObject({ code: 'INTERNAL', message: /shutting down/ });
});
