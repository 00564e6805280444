import { describe, expect, it } from 'vitest';
import { Store } from '../../store/store.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { epochRecord, layerWeights, runMeta } from '../helpers/run-fixture.ts';

const dir = useTempDir();

describe('Store', () => {
  it('round-trips runs, epochs, predictions and weights through LanceDB on disk', async () => {
    const store = await Store.open(`${dir}/a`);
    await store.createRun(runMeta('r1'));
    await store.commitEpoch('r1', {
      record: epochRecord('source', 1, 1, 0.4),
      predictions: [{ split: 'target-validation', predicted: Int16Array.from([0, 1, 2, 2, 1, 0]) }],
      weights: [layerWeights('conv1', 3, 0.5), layerWeights('fc8', 4, -1)],
    });
    await store.commitEpoch('r1', { record: epochRecord('source', 2, 2, 0.6), predictions: [] });

    const epochs = await store.listEpochs('r1');
    expect(epochs.map((e) => [e.step, e.accSourceTrain, e.checkpoint])).toEqual([
      [1, 0.4, true],
      [2, 0.6, false],
    ]);
    const weights = await store.getWeights({ runId: 'r1', phase: 'source', epoch: 1 });
    expect(weights.map((w) => w.layer)).toEqual(['conv1', 'fc8']);
    expect(weights[1]!.kernelShape).toEqual([4, 2]);
    expect(weights[1]!.kernel[3]).toBeCloseTo(-1 + 3 / 1000, 6);
    const preds = await store.getPredictions({ runId: 'r1', phase: 'source', epoch: 1 });
    expect(Array.from(preds.get('target-validation')!)).toEqual([0, 1, 2, 2, 1, 0]);
    const runs = await store.listRuns();
    expect(runs.map((r) => [r.id, r.lastEpoch?.step])).toEqual([['r1', 2]]);
    store.close();
  });

  it('refuses an existing run id and an already committed epoch without touching stored data', async () => {
    const store = await Store.open(`${dir}/b`);
    await store.createRun(runMeta('r2', { configName: 'first' }));
    await store.commitEpoch('r2', { record: epochRecord('source', 1, 1, 0.3), predictions: [] });
    await expect(store.createRun(runMeta('r2', { configName: 'second' }))).rejects.toMatchObject({ code: 'RUN_EXISTS' });
    await expect(store.commitEpoch('r2', { record: epochRecord('source', 1, 1, 0.9), predictions: [] })).rejects.toMatchObject({ code: 'RUN_EXISTS' });
    expect((await store.getRun('r2')).configName).toBe('first');
    expect((await store.listEpochs('r2')).map((e) => e.accSourceTrain)).toEqual([0.3]);
    store.close();
  });

  it('hides an epoch whose bulk rows were written but whose commit row never was', async () => {
    const store = await Store.open(`${dir}/c`);
    await store.createRun(runMeta('r3'));
    // A writer that dies after the weights but before the epochs row: simulate by committing epoch 1,
    // then writing epoch 2's bulk rows through a payload whose commit is interrupted.
    await store.commitEpoch('r3', { record: epochRecord('source', 1, 1), predictions: [] });
    const interrupted = Object.create(store) as Store;
    const tables = (store as unknown as { tables: Record<string, { add: (d: unknown) => Promise<unknown> }> }).tables;
    const originalAdd = tables.epochs!.add.bind(tables.epochs);
    tables.epochs!.add = async () => {
      throw new Error('killed');
    };
    await expect(
      interrupted.commitEpoch('r3', {
        record: epochRecord('source', 2, 2),
        predictions: [],
        weights: [layerWeights('conv1', 2, 1)],
      }),
    ).rejects.toThrow('killed');
    tables.epochs!.add = originalAdd;

    const reader = await Store.open(`${dir}/c`);
    expect((await reader.listEpochs('r3')).map((e) => e.epoch)).toEqual([1]);
    await expect(reader.getWeights({ runId: 'r3', phase: 'source', epoch: 2 })).rejects.toMatchObject({ code: 'EPOCH_NOT_FOUND' });
    // A retry of the same epoch replaces the leftovers instead of duplicating them.
    await store.commitEpoch('r3', { record: epochRecord('source', 2, 2), predictions: [], weights: [layerWeights('conv1', 2, 7)] });
    const weights = await reader.getWeights({ runId: 'r3', phase: 'source', epoch: 2 });
    expect(weights).toHaveLength(1);
    expect(weights[0]!.bias[0]).toBe(7);
    reader.close();
    store.close();
  });

  it('sees epochs committed by another connection (another process) and rejects unsafe ids', async () => {
    const writer = await Store.open(`${dir}/d`);
    const reader = await Store.open(`${dir}/d`);
    await writer.createRun(runMeta('r4'));
    const before = Date.now() - 1;
    await writer.commitEpoch('r4', { record: epochRecord('target', 1, 3), predictions: [] });
    const seen = await reader.epochsCommittedAfter(before);
    expect(seen.map((s) => [s.runId, s.record.phase, s.record.step])).toEqual([['r4', 'target', 3]]);
    await expect(reader.getRun("x' OR '1'='1")).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(reader.getRun('nope')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    writer.close();
    reader.close();
  });
});

describe('Store instances', () => {
  it('round-trips validation instances with their pixels in instance order', async () => {
    const store = await Store.open(`${dir}/e`);
    await store.createRun(runMeta('r5'));
    const pixels = Uint8Array.from({ length: 3 * 2 * 2 * 3 }, (_, i) => (i * 7) % 256);
    await store.putInstances('r5', [{ split: 'target-validation', labels: Int32Array.from([2, 0, 1]), height: 2, width: 2, pixels }]);
    const back = await store.getInstances('r5', 'target-validation');
    expect(Array.from(back.labels)).toEqual([2, 0, 1]);
    expect([back.height, back.width]).toEqual([2, 2]);
    expect(Array.from(back.pixels)).toEqual(Array.from(pixels));
    expect((await store.getInstances('r5', 'source-validation')).labels).toHaveLength(0);
    expect(back.withoutPixels).toBeUndefined();
    store.close();
  });

  it('reads rows stored without pixels back as zeros and lists them', async () => {
    const store = await Store.open(`${dir}/e2`);
    await store.createRun(runMeta('r6'));
    const size = 2 * 2 * 3;
    const kept = Uint8Array.from({ length: 2 * size }, (_, i) => 1 + (i % 200));
    await store.putInstances('r6', [
      { split: 'source-validation', labels: Int32Array.from([0, 1, 0, 1]), height: 2, width: 2, pixels: kept, pixelRows: Int32Array.from([0, 2]) },
    ]);
    const back = await store.getInstances('r6', 'source-validation');
    expect(Array.from(back.withoutPixels!)).toEqual([1, 3]);
    expect(Array.from(back.pixels.subarray(2 * size, 3 * size))).toEqual(Array.from(kept.subarray(size)));
    expect(back.pixels.subarray(size, 2 * size).every((v) => v === 0)).toBe(true);
    store.close();
  });

  it('caches conductances per checkpoint and setting, keeping the first copy when two writers race', async () => {
    const store = await Store.open(`${dir}/e3`);
    await store.createRun(runMeta('r7'));
    const key = { runId: 'r7', phase: 'source', epoch: 2, setting: 'network:steps=16:perClass=20:n=2' } as const;
    expect(await store.getConductances(key)).toBeNull();
    const layers = [
      { layer: 'fc8', neurons: 2, values: Float32Array.from([1, 2, 3, 4]) },
      { layer: 'conv1', neurons: 1, values: Float32Array.from([0.5, -0.5]) },
    ] as const;
    await store.putConductances(
      key,
      layers.map((l) => ({ ...l })),
    );
    await store.putConductances(key, [{ layer: 'conv1', neurons: 1, values: Float32Array.from([9, 9]) }]);
    const back = await store.getConductances(key);
    // In the order they were written (readers match layers by name, any model's names); the second write was refused.
    expect(back?.map((l) => [l.layer, l.neurons, Array.from(l.values)])).toEqual([
      ['fc8', 2, [1, 2, 3, 4]],
      ['conv1', 1, [0.5, -0.5]],
    ]);
    expect(await store.getConductances({ ...key, setting: 'other' })).toBeNull();
    expect(await store.getConductances({ ...key, epoch: 3 })).toBeNull();
    store.close();
  });
});

describe('Store analyses', () => {
  it('tells which analyses are stored, per kind, settings and reference, including those another connection stored', async () => {
    const monitor = await Store.open(`${dir}/f`);
    const worker = await Store.open(`${dir}/f`);
    await worker.createRun(runMeta('r8'));
    const key = { runId: 'r8', phase: 'target', epoch: 2, referencePhase: 'source', referenceEpoch: 2 } as const;
    const result = { classes: [] } as never;
    // Read once before the writes, so the later answers must come from a newer table version.
    expect(await monitor.hasAnalysis('network', key)).toBe(false);
    await worker.putAnalysis('network', key, result);
    expect(await monitor.hasAnalysis('network', key)).toBe(true);
    expect(await monitor.hasAnalysis('network', { ...key, settings: 'paper' })).toBe(false);
    expect(await monitor.hasAnalysis('network', { ...key, referenceEpoch: 1 })).toBe(false);
    expect(await monitor.hasAnalysis('network', { ...key, epoch: 4 })).toBe(false);
    expect(await monitor.hasAnalysis('features', key)).toBe(false);
    expect(await monitor.hasAnalysis('network', { ...key, runId: 'r9' })).toBe(false);
    await worker.putAnalysis('network', { ...key, settings: 'paper' }, result);
    expect(await monitor.hasAnalysis('network', { ...key, settings: 'paper' })).toBe(true);
    await worker.putAnalysis('instances', { ...key, referencePhase: null, referenceEpoch: null }, result);
    expect(await monitor.hasAnalysis('instances', { ...key, referencePhase: null, referenceEpoch: null })).toBe(true);
    await expect(monitor.putAnalysis('network', key, result)).rejects.toMatchObject({ code: 'RUN_EXISTS' });
    await expect(monitor.hasAnalysis('network', { ...key, runId: "x' OR '1'='1" })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    monitor.close();
    worker.close();
  });
});
