// The store's read caches against real LanceDB: a reader (the monitor, with cacheBytes) and a writer in another
// connection (a trainer, a resume) share a folder, and the reader never answers from before the writer's commit.
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../store/store.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../helpers/run-fixture.ts';
import type { EpochRecord } from '../../core/protocol.ts';
import { makeCoalescedCheck } from '../../store/versioned-reads.ts';

const dir = useTempDir();
const open: Store[] = [];
afterEach(() => {
  open.splice(0).forEach((s) => s.close());
});

async function pair(name: string, cacheBytes = 2 ** 20): Promise<{ reader: Store; writer: Store }> {
  const writer = await Store.open(`${dir}/${name}`);
  const reader = await Store.open(`${dir}/${name}`, { cacheBytes });
  open.push(writer, reader);
  return { reader, writer };
}

const commit = (store: Store, record: EpochRecord, predicted: number[], weightFill?: number) =>
  store.commitEpoch('r', {
    record,
    predictions: [{ split: 'target-validation', predicted: Int16Array.from(predicted) }],
    ...(weightFill === undefined ? {} : { weights: [layerWeights('conv1', 50, weightFill), layerWeights('fc8', 50, weightFill)] }),
  });

describe('Store read caches', () => {
  it("sees another connection's new run and new epoch at once", async () => {
    const { reader, writer } = await pair('a');
    await writer.createRun(runMeta('r'));
    await commit(writer, epochRecord('source', 1, 1), [0, 1]);
    expect((await reader.listEpochs('r')).map((e) => e.step)).toEqual([1]);
    expect((await reader.getRun('r')).lastEpoch?.step).toBe(1);
    expect(await reader.runExists('other')).toBe(false);

    await commit(writer, epochRecord('source', 2, 2), [1, 1]);
    await writer.createRun(runMeta('other'));
    expect((await reader.listEpochs('r')).map((e) => e.step)).toEqual([1, 2]);
    expect((await reader.getEpoch({ runId: 'r', phase: 'source', epoch: 2 })).step).toBe(2);
    expect((await reader.getRun('r')).lastEpoch?.step).toBe(2);
    expect((await reader.listRuns()).map((r) => [r.id, r.lastEpoch?.step ?? null]).sort()).toEqual([
      ['other', null],
      ['r', 2],
    ]);
    expect(await reader.runExists('other')).toBe(true);
  });

  it("sees another connection's heartbeat at once", async () => {
    const { reader, writer } = await pair('e');
    await writer.createRun(runMeta('r'));
    expect((await reader.recovery.heartbeats('r')).has('r')).toBe(false);
    await writer.recovery.beat('r', 1000);
    const first = (await reader.recovery.heartbeats()).get('r')?.at;
    expect(first).toBeGreaterThan(0);
    await writer.recovery.beat('r', 2000);
    expect((await reader.recovery.heartbeats('r')).get('r')?.intervalMs).toBe(2000);
    expect((await reader.recovery.heartbeats()).get('r')?.intervalMs).toBe(2000);
  });

  it("never serves an epoch's predictions or weights from before a resume re-committed it", async () => {
    const { reader, writer } = await pair('b');
    await writer.createRun(runMeta('r'));
    await commit(writer, epochRecord('source', 1, 1), [0, 0], 0.5);
    await commit(writer, epochRecord('source', 2, 2), [1, 1], 1);
    const key = { runId: 'r', phase: 'source', epoch: 2 } as const;
    const before = await reader.getEpoch(key);
    expect(Array.from((await reader.getPredictions(key)).get('target-validation')!)).toEqual([1, 1]);
    expect((await reader.getWeights(key))[0]!.bias[0]).toBe(1);
    expect(reader.cachedBytes()).toBeGreaterThan(0);

    // A resume from step 1: the later epoch is discarded and trained (and committed) again, differently.
    await writer.recovery.discardEpochsAfter('r', 1);
    await expect(reader.getPredictions(key)).rejects.toMatchObject({ code: 'EPOCH_NOT_FOUND' });
    await commit(writer, epochRecord('source', 2, 2), [2, 2], 3);
    expect((await reader.getEpoch(key)).committedAt).not.toBe(before.committedAt);
    expect(Array.from((await reader.getPredictions(key)).get('target-validation')!)).toEqual([2, 2]);
    const weights = await reader.getWeights(key);
    expect(weights.map((w) => w.bias[0])).toEqual([3, 3]);
    expect((await reader.getWeights(key, ['fc8'])).map((w) => [w.layer, w.bias[0]])).toEqual([['fc8', 3]]);
  });

  it('holds at most cacheBytes of weights and predictions, and still answers what it cannot hold', async () => {
    // One checkpoint's weights here: 2 layers x (100 + 2) floats = 816 bytes; predictions 4 bytes an epoch.
    const { reader, writer } = await pair('c', 1000);
    await writer.createRun(runMeta('r'));
    for (let epoch = 1; epoch <= 3; epoch++) {
      await commit(writer, epochRecord('source', epoch, epoch), [epoch, epoch], epoch);
    }
    for (let epoch = 1; epoch <= 3; epoch++) {
      const key = { runId: 'r', phase: 'source', epoch } as const;
      expect((await reader.getWeights(key))[1]!.bias[0]).toBe(epoch);
      expect(Array.from((await reader.getPredictions(key)).get('target-validation')!)).toEqual([epoch, epoch]);
      expect(reader.cachedBytes()).toBeLessThanOrEqual(1000);
    }
    const tiny = await Store.open(`${dir}/c`, { cacheBytes: 100 });
    open.push(tiny);
    expect((await tiny.getWeights({ runId: 'r', phase: 'source', epoch: 2 }))[0]!.bias[0]).toBe(2);
    expect(tiny.cachedBytes()).toBe(0);
  });

  it('hands out copies of its lists, so a caller changing one cannot change what others read', async () => {
    const { reader, writer } = await pair('d');
    await writer.createRun(runMeta('r'));
    await commit(writer, epochRecord('source', 1, 1), [0, 1], 1);
    const epochs = await reader.listEpochs('r');
    epochs[0]!.step = 99;
    epochs.push(epochs[0]!);
    (await reader.getPredictions({ runId: 'r', phase: 'source', epoch: 1 })).delete('target-validation');
    (await reader.getWeights({ runId: 'r', phase: 'source', epoch: 1 })).pop();
    expect((await reader.listEpochs('r')).map((e) => e.step)).toEqual([1]);
    expect((await reader.getPredictions({ runId: 'r', phase: 'source', epoch: 1 })).has('target-validation')).toBe(true);
    expect(await reader.getWeights({ runId: 'r', phase: 'source', epoch: 1 })).toHaveLength(2);
  });
});

describe('Coalesced version checks', () => {
  /** A version check that reads `version` when it starts and answers when released, like a manifest read in flight. */
  function controlledCheck() {
    const state = { version: 1, started: 0, pending: [] as { resolve: (v: number) => void; reject: (e: Error) => void; read: number }[] };
    const check = () =>
      new Promise<number>((resolve, reject) => {
        state.started++;
        state.pending.push({ resolve, reject, read: state.version });
      });
    const release = () => {
      const p = state.pending.shift()!;
      p.resolve(p.read);
    };
    return { state, check, release };
  }
  const settle = () => new Promise((done) => setImmediate(done));

  it('answers every caller with a check begun after it called, sharing one check among those arriving together', async () => {
    const { state, check, release } = controlledCheck();
    const current = makeCoalescedCheck(check);
    const first = current();
    // A write lands while the first check, which read version 1, is still in flight.
    state.version = 2;
    const later = Array.from({ length: 10 }, () => current());
    expect(state.started).toBe(1);
    release();
    expect(await first).toBe(1);
    await settle();
    expect(state.started).toBe(2);
    release();
    expect(await Promise.all(later)).toEqual(Array.from({ length: 10 }, () => 2));
    // Nothing in flight: a new caller starts its own check.
    state.version = 3;
    const alone = current();
    expect(state.started).toBe(3);
    release();
    expect(await alone).toBe(3);
  });

  it('rejects the callers of a failed check only, and the next callers get a fresh one', async () => {
    const { state, check, release } = controlledCheck();
    const current = makeCoalescedCheck(check);
    const failing = current();
    const waiting = current();
    state.pending.shift()!.reject(new Error('manifest unreadable'));
    await expect(failing).rejects.toThrow('manifest unreadable');
    await settle();
    release();
    expect(await waiting).toBe(1);
  });
});
