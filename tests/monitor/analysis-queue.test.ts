// The background queue's order on a real store: one checkpoint at a time, the newest waiting one first.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Store } from '../../monitor/store/store.ts';
import { makeAnalysisQueue } from '../../monitor/analysis-queue.ts';
import type { AnalyzeCheckpoint, CheckpointRef } from '../../monitor/checkpoint-analyzer.ts';
import type { AnalysisEvent } from '../../monitor/protocol.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  await store.createRun(runMeta('q'));
  for (const [epoch, step] of [[1, 1], [2, 2], [3, 3], [4, 4]] as const) {
    await store.commitEpoch('q', { record: { ...epochRecord('source', epoch, step), checkpoint: true }, predictions: [], weights: [layerWeights('conv1', 2, 0.1)] });
  }
});
afterAll(() => store.close());

it('analyses one checkpoint at a time, the newest waiting one first, and reports a failure without stopping', async () => {
  const started: number[] = [];
  let release!: () => void;
  // Stands in for the child processes (tested in tests/integration): the first call is held until released.
  const analyze: AnalyzeCheckpoint = async (at: CheckpointRef) => {
    started.push(at.epoch);
    if (started.length === 1) {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    }
    if (at.epoch === 3) {
      throw new Error('child failed');
    }
  };
  const events: AnalysisEvent[] = [];
  const queue = makeAnalysisQueue(store, analyze, (e) => events.push(e));
  queue.enqueue('q', { phase: 'source', epoch: 1, step: 1 });
  await expect.poll(() => started.length).toBe(1);
  // Three more arrive while the first is analysed: the newest goes next, then the next newest.
  for (const epoch of [2, 3, 4]) {
    queue.enqueue('q', { phase: 'source', epoch, step: epoch });
  }
  release();
  await queue.idle();
  expect(started).toEqual([1, 4, 3, 2]);
  const last = (epoch: number) => events.filter((e) => e.at.epoch === epoch).at(-1);
  expect(last(3)).toMatchObject({ status: 'failed', message: 'child failed' });
  expect([1, 2, 4].map((epoch) => last(epoch)?.status)).toEqual(['done', 'done', 'done']);
});
