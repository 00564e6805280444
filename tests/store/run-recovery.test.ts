// Heartbeats, derived status, checkpoint optimiser state and the cleanup of uncommitted rows, on LanceDB on disk.
import { readdirSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Store } from '../../store/store.ts';
import type { OptimizerState } from '../../store/schema/recovery-tables.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../helpers/run-fixture.ts';

const dir = useTempDir();
const HOUR = 3_600_000;

type CountingTable = { countRows(filter?: string): Promise<number>; add(data: unknown): Promise<unknown> };
const tablesOf = (store: Store) => (store as unknown as { tables: Record<string, CountingTable> }).tables;

/** Writes an epoch's bulk rows as a commit killed before its `epochs` row would. */
async function killedCommit(store: Store, runId: string, phase: 'source' | 'target', epoch: number, step: number): Promise<void> {
  const epochs = tablesOf(store).epochs!;
  const add = epochs.add.bind(epochs);
  epochs.add = async () => {
    throw new Error('killed');
  };
  try {
    await expect(
      store.commitEpoch(runId, {
        record: epochRecord(phase, epoch, step),
        predictions: [{ split: 'source-validation', predicted: Int16Array.from([1]) }],
        weights: [layerWeights('conv1', 2, 1)],
        optimizerState: [{ iterations: 3, moments: [{ shape: [2], values: Float32Array.from([1, 2]) }] }],
      }),
    ).rejects.toThrow('killed');
  } finally {
    epochs.add = add;
  }
}

const rowsOf = async (store: Store, runId: string) =>
  Object.fromEntries(
    await Promise.all(
      ['predictions', 'weights', 'optimizer_states'].map(async (t) => [t, await tablesOf(store)[t]!.countRows(`run_id = '${runId}'`)] as const),
    ),
  );

afterEach(() => {
  vi.useRealTimers();
});

describe('run status from heartbeats', () => {
  it('shows a run as running while its trainer beats and interrupted once the beat is stale', async () => {
    const store = await Store.open(`${dir}/beats`);
    // A trainer that last beat an hour ago, promising a beat every 10 s: long dead.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - HOUR);
    await store.createRun(runMeta('dead'));
    await store.recovery.beat('dead', 10_000);
    vi.useRealTimers();
    await store.createRun(runMeta('alive'));
    await store.recovery.beat('alive', 10_000);
    await store.createRun(runMeta('done', { status: 'finished', updatedAt: Date.now() - HOUR }));
    // Stored before heartbeats existed: judged by its last update and the default interval.
    await store.createRun(runMeta('legacy', { updatedAt: Date.now() - HOUR }));

    const statuses = Object.fromEntries((await store.listRuns()).map((r) => [r.id, r.status]));
    expect(statuses).toEqual({ dead: 'interrupted', alive: 'running', done: 'finished', legacy: 'interrupted' });
    expect((await store.getRun('dead')).status).toBe('interrupted');
    expect((await store.getRun('alive')).status).toBe('running');
    // A new beat brings a resumed run back to running.
    await store.recovery.beat('dead', 10_000);
    expect((await store.getRun('dead')).status).toBe('running');
    store.close();
  });

  it('beats from a worker thread while the main thread is blocked, and keeps the table to a few versions', async () => {
    const uri = `${dir}/growth`;
    const store = await Store.open(uri);
    await store.createRun(runMeta('busy'));
    const versions = () => readdirSync(`${uri}/heartbeats.lance/_versions`).length;
    const beating = await store.recovery.startBeating('busy', 50, { compactEvery: 10, keepVersionsMs: 0 });
    const first = (await store.recovery.heartbeats('busy')).get('busy')!.at;
    // Tensor work blocks the event loop for seconds; the beats must not wait for it.
    const blockedUntil = Date.now() + 1_000;
    while (Date.now() < blockedUntil) {
      /* busy, as a long WASM step is */
    }
    // Read in the same turn that ended the block: the newest version was written while this thread was busy.
    // (A compaction running meanwhile may delete a listed version: those are skipped.)
    const newest = Math.max(
      ...readdirSync(`${uri}/heartbeats.lance/_versions`).map(
        (f) => statSync(`${uri}/heartbeats.lance/_versions/${f}`, { throwIfNoEntry: false })?.mtimeMs ?? 0,
      ),
    );
    expect(newest).toBeGreaterThan(blockedUntil - 500);
    await expect.poll(() => beating.beats, { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(40);
    await beating.stop();
    expect((await store.recovery.heartbeats('busy')).get('busy')!.at).toBeGreaterThan(first);
    // 40+ beats, each a version, compacted every 10 with no version kept but the newest.
    expect(versions()).toBeLessThanOrEqual(25);
    expect(await tablesOf(store).heartbeats!.countRows()).toBe(1);
    expect((await store.getRun('busy')).status).toBe('running');
    store.close();
  });
});

describe('checkpoint optimiser state', () => {
  const state = (fill: number): OptimizerState => [
    {
      iterations: 12,
      moments: [
        { shape: [2, 2], values: Float32Array.from([fill, 2, 3, 4]) },
        { shape: [2, 2], values: Float32Array.from([5, 6, 7, fill]) },
      ],
    },
    {
      iterations: 12,
      moments: [
        { shape: [3], values: Float32Array.from([fill, 0, -fill]) },
        { shape: [3], values: Float32Array.from([1, 1, 1]) },
      ],
    },
  ];

  it("round-trips with its checkpoint and keeps only the newest checkpoint's", async () => {
    const store = await Store.open(`${dir}/adam`);
    await store.createRun(runMeta('r'));
    const checkpoint = { ...epochRecord('source', 1, 1) };
    await store.commitEpoch('r', { record: checkpoint, predictions: [], weights: [layerWeights('conv1', 2, 1)], optimizerState: state(0.5) });
    expect(await store.recovery.getOptimizerState({ runId: 'r', phase: 'source', epoch: 1 })).toEqual(state(0.5));
    await store.commitEpoch('r', { record: epochRecord('source', 2, 2), predictions: [] });
    expect(await store.recovery.getOptimizerState({ runId: 'r', phase: 'source', epoch: 1 })).toEqual(state(0.5));
    await store.commitEpoch('r', { record: epochRecord('source', 3, 3), predictions: [], weights: [layerWeights('conv1', 2, 2)], optimizerState: state(-1) });
    expect(await store.recovery.getOptimizerState({ runId: 'r', phase: 'source', epoch: 1 })).toBeNull();
    expect(await store.recovery.getOptimizerState({ runId: 'r', phase: 'source', epoch: 3 })).toEqual(state(-1));
    store.close();
  });
});

describe('cleanup of a commit killed midway', () => {
  it('deletes uncommitted rows of dead runs when a writer opens the store, and leaves live runs and readers alone', async () => {
    const uri = `${dir}/stray`;
    const store = await Store.open(uri);
    await store.createRun(runMeta('dead', { updatedAt: Date.now() - HOUR }));
    await store.createRun(runMeta('alive'));
    await store.recovery.beat('alive', 60_000);
    for (const id of ['dead', 'alive']) {
      await store.commitEpoch(id, {
        record: epochRecord('source', 1, 1),
        predictions: [{ split: 'source-validation', predicted: Int16Array.from([0]) }],
        weights: [layerWeights('conv1', 2, 0)],
      });
      await killedCommit(store, id, 'source', 2, 2);
    }
    expect(await rowsOf(store, 'dead')).toEqual({ predictions: 2, weights: 2, optimizer_states: 1 });

    const reader = await Store.open(uri);
    expect(await rowsOf(reader, 'dead')).toEqual({ predictions: 2, weights: 2, optimizer_states: 1 });
    reader.close();

    const writer = await Store.open(uri, { removeUncommitted: true });
    expect(await rowsOf(writer, 'dead')).toEqual({ predictions: 1, weights: 1, optimizer_states: 0 });
    expect(await rowsOf(writer, 'alive')).toEqual({ predictions: 2, weights: 2, optimizer_states: 1 });
    expect((await writer.getWeights({ runId: 'dead', phase: 'source', epoch: 1 }))[0]!.bias[0]).toBe(0);
    writer.close();
    store.close();
  });

  it('discards the epochs after a checkpoint, commit rows first, with their bulk rows', async () => {
    const store = await Store.open(`${dir}/discard`);
    await store.createRun(runMeta('r', { updatedAt: Date.now() - HOUR }));
    await store.commitEpoch('r', { record: epochRecord('source', 1, 1), predictions: [], weights: [layerWeights('conv1', 2, 0)] });
    for (const [epoch, step] of [
      [2, 2],
      [3, 3],
    ] as const) {
      await store.commitEpoch('r', {
        record: epochRecord('source', epoch, step),
        predictions: [{ split: 'target-validation', predicted: Int16Array.from([1, 2]) }],
      });
    }
    expect(await store.recovery.discardEpochsAfter('r', 1)).toBe(2);
    expect((await store.listEpochs('r')).map((e) => e.step)).toEqual([1]);
    expect((await store.getRun('r')).lastEpoch).toEqual({ phase: 'source', epoch: 1, step: 1 });
    expect(await rowsOf(store, 'r')).toEqual({ predictions: 0, weights: 1, optimizer_states: 0 });
    // The same epochs can be committed again (what the resumed trainer does).
    await store.commitEpoch('r', { record: epochRecord('source', 2, 2), predictions: [] });
    expect((await store.listEpochs('r')).map((e) => e.step)).toEqual([1, 2]);
    store.close();
  });
});
