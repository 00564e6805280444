// The background queue's order on a real store: one kind at a time, the newest waiting checkpoint first, and a
// more urgent kind beside a running less urgent one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../store/store.ts';
import { makeAnalysisQueue } from '../../monitor/analysis-queue.ts';
import type { AnalyzeCheckpoint, CheckpointRef } from '../../monitor/analysis-workers.ts';
import type { AnalysisEvent } from '../../core/protocol.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../helpers/run-fixture.ts';
import { ANALYSIS_KINDS } from '../../core/analysis-protocol.ts';
import { analysisKey } from '../../core/analysis-keys.ts';

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

describe('several jobs at once (no training live)', () => {
  const models: Record<string, number[]> = {
    // Checkpoint -> the steps of the models its network abstraction attributes: itself and its reference.
    'source 1': [1],
    'source 2': [2, 1],
    'target 1': [3, 2],
    'target 2': [4, 2],
  };

  /** `store` with a count of its reads in flight: the queue reads the store before each job it starts. */
  function countingReads(store: Store): { store: Store; reads: () => number } {
    let reads = 0;
    const counted = new Proxy(store, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') {
          return value;
        }
        return (...args: unknown[]) => {
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (result instanceof Promise) {
            reads++;
            result.then(
              () => reads--,
              () => reads--,
            );
          }
          return result;
        };
      },
    });
    return { store: counted, reads: () => reads };
  }

  /**
   * Runs every kind and refinement of a two-phase run with `parallel` jobs at once. Each call is held until the
   * queue has started everything it will (no store read in flight), then the oldest is let go: what the queue
   * runs together is what its rules allow, however fast the calls are.
   */
  async function runQueue(parallel: number, options: { liveStored?: boolean } = {}) {
    const parallelStore = await Store.open(`${dir}/parallel-${parallel}${options.liveStored ? '-refine' : ''}`);
    try {
      await parallelStore.createRun(runMeta('p'));
      for (const [phase, epoch, step] of [
        ['source', 1, 1],
        ['source', 2, 2],
        ['target', 1, 3],
        ['target', 2, 4],
      ] as const) {
        await parallelStore.commitEpoch('p', {
          record: { ...epochRecord(phase, epoch, step), checkpoint: true },
          predictions: [],
          weights: [layerWeights('conv1', 2, 0.1)],
        });
      }
      if (options.liveStored) {
        // Only the refinements are left, as after training when the live estimates kept up.
        const epochs = await parallelStore.listEpochs('p');
        for (const at of epochs) {
          for (const kind of ANALYSIS_KINDS) {
            const key = analysisKey(kind, 'p', epochs, at);
            if (key) {
              await parallelStore.putAnalysis(kind, key, { classes: [] } as never);
            }
          }
        }
      }
      const calls: string[] = [];
      const ended: string[] = [];
      const endedBeforeStart = new Map<string, string[]>();
      const held: { name: string; release: () => void }[] = [];
      const overlaps: [string, string][] = [];
      /** Network calls that started while another one attributed a model whose conductances were not stored yet. */
      const repeatedModels: string[] = [];
      const attributed = new Set<string>();
      // Stands in for the worker processes (tests/integration/parallel-refinement.test.ts runs the real ones).
      const analyze: AnalyzeCheckpoint = async (at, options = {}) => {
        const settings = options.settings ?? 'live';
        const name = `${options.kinds?.join(',')}@${settings} ${at.phase} ${at.epoch}`;
        const own = models[`${at.phase} ${at.epoch}`]!.map((step) => `${settings}/${step}`);
        if (options.kinds?.[0] === 'network') {
          for (const other of held.map((h) => h.name).filter((o) => o.startsWith(`network@${settings} `))) {
            const theirs = models[other.split(' ').slice(1).join(' ')]!.map((step) => `${settings}/${step}`);
            if (own.some((m) => theirs.includes(m) && !attributed.has(m))) {
              repeatedModels.push(`${name} beside ${other}`);
            }
          }
        }
        calls.push(name);
        endedBeforeStart.set(name, [...ended]);
        held.forEach((other) => overlaps.push([other.name, name]));
        await new Promise<void>((release) => held.push({ name, release }));
        ended.push(name);
        if (options.kinds?.[0] === 'network') {
          own.forEach((m) => attributed.add(m));
        }
      };
      const counted = countingReads(parallelStore);
      const queue = makeAnalysisQueue(counted.store, analyze, () => {}, { refine: true });
      queue.setParallelism(parallel);
      // Set when the queue is idle, which the type checker cannot follow.
      const queueState = { finished: false };
      const done = (async () => {
        await queue.catchUp('p');
        await queue.idle();
        queueState.finished = true;
      })();
      while (!queueState.finished) {
        await expect.poll(() => queueState.finished || (counted.reads() === 0 && held.length > 0), { interval: 5, timeout: 10_000 }).toBe(true);
        held.shift()?.release();
      }
      await done;
      return { calls, endedBeforeStart, overlaps, repeatedModels };
    } finally {
      parallelStore.close();
    }
  }

  it('runs two refinements at once with two allowed, never repeating work in flight; one at a time with one', async () => {
    const two = await runQueue(2);
    expect(two.overlaps.filter(([a, b]) => a.includes('@paper') && b.includes('@paper')).length).toBeGreaterThan(0);
    // Every job once; chained kinds of one run never together; no model attributed by two network jobs at once.
    expect(new Set(two.calls).size).toBe(two.calls.length);
    expect(two.calls.filter((c) => c.includes('@paper'))).toHaveLength(7); // source 1 has no network abstraction
    expect(two.overlaps.filter(([a, b]) => ['instances', 'projection'].some((k) => a.startsWith(k) && b.startsWith(k)))).toEqual([]);
    expect(two.repeatedModels).toEqual([]);
    // A checkpoint's live kinds never ran beside each other (its features need its network abstraction, and its
    // progress names the kinds in order), nor its two refinements.
    const checkpointOf = (call: string) => call.split(' ').slice(1).join(' ');
    const settingsOf = (call: string) => call.split(' ')[0]!.split('@')[1];
    expect(two.overlaps.filter(([a, b]) => checkpointOf(a) === checkpointOf(b) && settingsOf(a) === settingsOf(b))).toEqual([]);

    // A features refinement starts once a network refinement stored its model's conductances, as in the serial
    // newest-first order (it reuses them): the first source model's are the second source checkpoint's reference.
    const refineOnly = await runQueue(2, { liveStored: true });
    expect(refineOnly.calls).toHaveLength(7);
    expect(refineOnly.overlaps.filter(([a, b]) => a.includes('@paper') && b.includes('@paper')).length).toBeGreaterThan(0);
    expect(refineOnly.repeatedModels).toEqual([]);
    expect(refineOnly.endedBeforeStart.get('features@paper source 1')).toContain('network@paper source 2');

    const one = await runQueue(1);
    expect(one.overlaps.filter(([a, b]) => a.includes('@paper') && b.includes('@paper'))).toEqual([]);
    expect([...one.calls].sort()).toEqual([...two.calls].sort());
  });
});
