// The store's read caches against real LanceDB: a reader (the monitor, with cacheBytes) and a writer in another
// connection (a trainer, a resume) share a folder, and the reader never answers from before the writer's commit.
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../store/store.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../helpers/run-fixture.ts';
import type { EpochRecord } from '../../core/protocol.ts';

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
