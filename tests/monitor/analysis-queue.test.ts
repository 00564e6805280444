// The background queue's order on a real store: one kind at a time, the newest waiting checkpoint first, and a
// more urgent kind beside a running less urgent one.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Store } from '../../store/store.ts';
import { makeAnalysisQueue } from '../../monitor/analysis-queue.ts';
import type { AnalyzeCheckpoint, CheckpointRef } from '../../monitor/analysis-workers.ts';
import type { AnalysisEvent } from '../../core/protocol.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../helpers/run-fixture.ts';

const dir = useTempDir();
let store: Store;

beforeAll(async () => {
  store = await Store.open(`${dir}/db`);
  await store.createRun(runMeta('q'));
  for (const [epoch, step] of [
    [1, 1],
    [2, 2],
    [3, 3],
    [4, 4],
  ] as const) {
    await store.commitEpoch('q', {
      record: { ...epochRecord('source', epoch, step), checkpoint: true },
      predictions: [],
      weights: [layerWeights('conv1', 2, 0.1)],
    });
  }
});
afterAll(() => store.close());

it('computes network abstractions first, newest checkpoint first, without waiting for a running less urgent kind; a failure ends only its checkpoint', async () => {
  const started: string[] = [];
  let release!: () => void;
  // Stands in for the child processes (tested in tests/integration); the first call is held until released.
  const analyze: AnalyzeCheckpoint = async (at: CheckpointRef, options = {}) => {
    started.push(`${options.kinds?.join(',')} ${at.epoch}`);
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
  for (const epoch of [2, 3, 4]) {
    queue.enqueue('q', { phase: 'source', epoch, step: epoch });
  }
  // Source epoch 1 has no network abstraction (nothing earlier to compare with), so its instances came first.
  // Epoch 2's network abstraction started beside them as soon as it arrived; 4 and 3 followed it, newest first,
  // while the instance layout still ran; the next instance layout waits for the running one.
  await expect.poll(() => started.length).toBe(4);
  expect(started).toEqual(['instances 1', 'network 2', 'network 4', 'network 3']);
  release();
  await queue.idle();
  expect(started.slice(4)).toEqual(['instances 4', 'instances 2', 'projection 4', 'projection 2', 'projection 1', 'features 4', 'features 2', 'features 1']);
  const last = (epoch: number) => events.filter((e) => e.at.epoch === epoch).at(-1);
  expect(last(3)).toMatchObject({ status: 'failed', message: 'child failed' });
  expect([1, 2, 4].map((epoch) => last(epoch)?.status)).toEqual(['done', 'done', 'done']);
  expect(events.filter((e) => e.at.epoch === 4).map((e) => e.status + (e.message ? `: ${e.message}` : ''))).toEqual([
    'queued',
    'running',
    'running: network ready',
    'running: network, instances ready',
    'running: network, instances, projection ready',
    'done',
  ]);
});

it('catches up on checkpoints committed while no monitor ran: every one lacking an analysis, once, newest first', async () => {
  const catchUpStore = await Store.open(`${dir}/catch-up`);
  try {
    await catchUpStore.createRun(runMeta('c'));
    for (const epoch of [1, 2, 3]) {
      await catchUpStore.commitEpoch('c', {
        record: { ...epochRecord('source', epoch, epoch), checkpoint: true },
        predictions: [],
        weights: [layerWeights('conv1', 2, 0.1)],
      });
    }
    await catchUpStore.commitEpoch('c', { record: epochRecord('source', 4, 4), predictions: [] });
    // Epoch 1 is fully analysed already (it has no network abstraction: nothing earlier to compare with).
    const own = { runId: 'c', phase: 'source' as const, epoch: 1, referencePhase: null, referenceEpoch: null };
    await catchUpStore.putAnalysis('instances', own, { points: [] } as never);
    await catchUpStore.putAnalysis('projection', own, { points: [] } as never);
    await catchUpStore.putAnalysis('features', own, { classes: [] } as never);
    const started: string[] = [];
    const analyze: AnalyzeCheckpoint = async (at, options = {}) => {
      started.push(`${options.kinds?.join(',')} ${at.epoch}`);
    };
    const events: AnalysisEvent[] = [];
    const queue = makeAnalysisQueue(catchUpStore, analyze, (e) => events.push(e));
    await Promise.all([queue.catchUp(), queue.catchUp('c')]);
    await queue.catchUp();
    await queue.idle();
    expect(events.filter((e) => e.status === 'queued').map((e) => e.at.epoch)).toEqual([2, 3]);
    expect(started).toEqual(['network 3', 'network 2', 'instances 3', 'instances 2', 'projection 3', 'projection 2', 'features 3', 'features 2']);
    // The watcher announcing one of them later queues nothing more.
    queue.enqueue('c', { phase: 'source', epoch: 3, step: 3 });
    expect(events.filter((e) => e.status === 'queued')).toHaveLength(2);
  } finally {
    catchUpStore.close();
  }
});

it('refines each checkpoint to the paper settings only after every live kind, newest first, and says so in its events', async () => {
  const refineStore = await Store.open(`${dir}/refine`);
  try {
    await refineStore.createRun(runMeta('r'));
    for (const epoch of [1, 2, 3]) {
      await refineStore.commitEpoch('r', {
        record: { ...epochRecord('source', epoch, epoch), checkpoint: true },
        predictions: [],
        weights: [layerWeights('conv1', 2, 0.1)],
      });
    }
    const started: string[] = [];
    const analyze: AnalyzeCheckpoint = async (at, options = {}) => {
      started.push(`${options.kinds?.join(',')}${options.settings === 'paper' ? '@paper' : ''} ${at.epoch}`);
    };
    const events: AnalysisEvent[] = [];
    const queue = makeAnalysisQueue(refineStore, analyze, (e) => events.push(e), { refine: true });
    queue.enqueue('r', { phase: 'source', epoch: 2, step: 2 });
    queue.enqueue('r', { phase: 'source', epoch: 3, step: 3 });
    await queue.idle();
    const firstRefinement = started.findIndex((s) => s.includes('@paper'));
    // Epoch 2's network abstraction started as soon as it was queued; then the newest first.
    expect(started.slice(0, firstRefinement)).toEqual([
      'network 2',
      'network 3',
      'instances 3',
      'instances 2',
      'projection 3',
      'projection 2',
      'features 3',
      'features 2',
    ]);
    expect(started.slice(firstRefinement)).toEqual(['network@paper 3', 'features@paper 3', 'network@paper 2', 'features@paper 2']);
    const epoch3 = events.filter((e) => e.at.epoch === 3);
    const liveDone = epoch3.findIndex((e) => e.status === 'done' && e.settings === undefined);
    expect(liveDone).toBeGreaterThan(0);
    expect(epoch3.slice(liveDone + 1).map((e) => [e.status, e.settings, e.kind])).toEqual([
      ['running', 'paper', 'network'],
      ['done', 'paper', 'features'],
    ]);
    // A live checkpoint arriving meanwhile goes first: without the option nothing is refined at all.
    const liveOnly: string[] = [];
    const plain = makeAnalysisQueue(
      refineStore,
      async (at, options = {}) => void liveOnly.push(`${options.kinds?.join(',')}${options.settings ?? ''} ${at.epoch}`),
      () => {},
    );
    plain.enqueue('r', { phase: 'source', epoch: 1, step: 1 });
    await plain.idle();
    expect(liveOnly).toEqual(['instances 1', 'projection 1', 'features 1']);
  } finally {
    refineStore.close();
  }
});
