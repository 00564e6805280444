import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Store } from '../../monitor/store/store.ts';
import { validateConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { selectBackend } from '../../trainer/backend.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { writeClassImages } from '../helpers/image-folders.ts';

const dir = useTempDir();

describe('the full 227x227 AlexNet on image folders', () => {
  it('trains and fine-tunes on the WASM backend and stores both phases', async () => {
    await writeClassImages(join(dir, 'amazon'), ['apple', 'sky'], 4, [64, 48]);
    await writeClassImages(join(dir, 'webcam'), ['apple', 'sky'], 4, [48, 64]);
    const config = validateConfig({
      name: 'office-tiny', model: 'alexnet-227', seed: 3, evalTrainSamples: 10,
      source: { kind: 'image-folder', path: join(dir, 'amazon') }, target: { kind: 'image-folder', path: join(dir, 'webcam') },
      phases: {
        source: { epochs: 1, batchSize: 2, learningRate: 0.0001 },
        target: { epochs: 1, batchSize: 2, learningRate: 0.0001, learningRates: { fc8: 0.001 }, freezeLayers: 2, augment: true },
      },
    });
    await selectBackend('wasm');
    const tensors = tf.memory().numTensors;
    const started = performance.now();
    const run = await trainRun({ config, db: join(dir, 'db'), runId: 'tiny227', backend: 'wasm', progress: null, log: () => {} });
    console.log(`alexnet-227, 2 classes x 4 images, 1+1 epochs at batch 2: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(run.status).toBe('finished');
    expect(run.lastEpoch).toEqual({ phase: 'target', epoch: 1, step: 2 });
    expect(run.layers.find((l) => l.name === 'fc6')!.kernelShape).toEqual([9216, 4096]);
    expect(run.datasetSizes).toEqual({ sourceTrain: 6, sourceValidation: 2, targetTrain: 6, targetValidation: 2 });
    expect(run.dataReport?.skippedCount).toEqual({ source: 0, target: 0 });
    const store = await Store.open(join(dir, 'db'));
    try {
      const instances = await store.getInstances('tiny227', 'target-validation');
      expect([instances.height, instances.width, instances.labels.length]).toEqual([227, 227, 2]);
      const source = await store.getWeights({ runId: 'tiny227', phase: 'source', epoch: 1 });
      const target = await store.getWeights({ runId: 'tiny227', phase: 'target', epoch: 1 });
      // conv1 and conv2 were frozen for fine-tuning; fc8 was not.
      expect(target[0]!.kernel).toEqual(source[0]!.kernel);
      expect(target[1]!.kernel).toEqual(source[1]!.kernel);
      expect(target[7]!.kernel).not.toEqual(source[7]!.kernel);
    } finally {
      store.close();
    }
  });
});
