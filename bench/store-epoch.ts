// Writing and reading one full epoch record (metrics, predictions, every layer's weights) in LanceDB.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Store } from '../store/store.ts';
import type { EpochRecord, RunMeta } from '../core/protocol.ts';
import { buildAlexNet } from '../trainer/alexnet.ts';
import { readLayerWeights } from '../trainer/layer-weights.ts';
import { percentile } from './dashboard-latency.ts';

export interface StoreEpochResult {
  writeMs: number;
  readMs: number;
  writeP95Ms: number;
  readP95Ms: number;
  repeats: number;
  floats: number;
}

export async function measureStoreEpoch(db: string, repeats = 20): Promise<StoreEpochResult> {
  await tf.setBackend('cpu');
  const weights = readLayerWeights(buildAlexNet({ variant: 'alexnet-32', classCount: 10, seed: 1 }));
  const store = await Store.open(db);
  const now = Date.now();
  const meta: RunMeta = {
    id: 'store-bench',
    status: 'running',
    configName: 'bench',
    backend: 'cpu',
    createdAt: now,
    updatedAt: now,
    lastEpoch: null,
    config: {},
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    seed: 1,
    datasetSizes: { sourceTrain: 5100, sourceValidation: 900, targetTrain: 2550, targetValidation: 450 },
    plannedEpochs: { source: repeats, target: 0 },
    layers: [],
    finishedAt: null,
    error: null,
  };
  await store.createRun(meta);
  const write: number[] = [];
  const read: number[] = [];
  try {
    for (let epoch = 1; epoch <= repeats; epoch++) {
      const record: EpochRecord = {
        phase: 'source',
        epoch,
        step: epoch,
        loss: 1,
        accSourceTrain: 0.5,
        accTargetTrain: 0.3,
        accSourceValidation: 0.5,
        accTargetValidation: 0.3,
        trainSeconds: 1,
        trainImagesPerSecond: 100,
        checkpoint: true,
        committedAt: 0,
      };
      const predictions = [
        { split: 'source-validation' as const, predicted: Int16Array.from({ length: 900 }, (_, i) => i % 10) },
        { split: 'target-validation' as const, predicted: Int16Array.from({ length: 450 }, (_, i) => i % 10) },
      ];
      let t = performance.now();
      await store.commitEpoch(meta.id, { record, predictions, weights });
      write.push(performance.now() - t);
      t = performance.now();
      const key = { runId: meta.id, phase: 'source' as const, epoch };
      await Promise.all([store.getEpoch(key), store.getPredictions(key), store.getWeights(key)]);
      read.push(performance.now() - t);
    }
  } finally {
    store.close();
  }
  return {
    writeMs: percentile(write, 50),
    readMs: percentile(read, 50),
    writeP95Ms: percentile(write, 95),
    readP95Ms: percentile(read, 95),
    repeats,
    floats: weights.reduce((n, w) => n + w.kernel.length + w.bias.length, 0),
  };
}
