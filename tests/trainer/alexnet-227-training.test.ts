import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Store } from '../../store/store.ts';
import { validateConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { selectBackend } from '../../trainer/backend.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { writeClassImages } from '../helpers/image-folders.ts';

const dir = useTempDir();

describe('the full 227x227 AlexNet on image folders', () => {
  it('trains and fine-tunes on the WASM backend and stores both phases', async () => {
    // One training and one validation image per class and domain: one batch per phase. A 227x227 step
    // costs seconds on WASM (the first one most: XNNPACK setup and heap growth), so this stays small.
    await writeClassImages(join(dir, 'amazon'), ['apple', 'sky'], 2, [64, 48]);
    await writeClassImages(join(dir, 'webcam'), ['apple', 'sky'], 2, [48, 64]);
    const config = validateConfig({
      name: 'office-tiny',
      model: 'alexnet-227',
      seed: 3,
      evalTrainSamples: 10,
      trainFraction: 0.5,
      source: { kind: 'image-folder', path: join(dir, 'amazon') },
      target: { kind: 'image-folder', path: join(dir, 'webcam') },
      phases: {
        source: { epochs: 1, batchSize: 2, learningRate: 0.0001 },
        target: { epochs: 1, batchSize: 2, learningRate: 0.0001, learningRates: { fc8: 0.001 }, freezeLayers: 2, augment: true },
      },
    });
    await selectBackend('wasm');
    const tensors = tf.memory().numTensors;
    const started = performance.now();
    const run = await trainRun({ config, db: join(dir, 'db'), runId: 'tiny227', backend: 'wasm', progress: null, log: () => {} });
    console.log(`alexnet-227, 2 classes x 2 images, 1+1 epochs at batch 2: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(run.status).toBe('finished');
    expect(run.lastEpoch).toEqual({ phase: 'target', epoch: 1, step: 2 });
    expect(run.layers.find((l) => l.name === 'fc6')!.kernelShape).toEqual([9216, 4096]);
    expect(run.datasetSizes).toEqual({ sourceTrain: 2, sourceValidation: 2, targetTrain: 2, targetValidation: 2 });
    expect(run.dataReport?.skippedCount).toEqual({ source: 0, target: 0 });
    const store = await Store.open(join(dir, 'db'));
    try {
      const instances = await store.getInstances('tiny227', 'target-validation');
      expect([instances.height, instances.width, instances.labels.length]).toEqual([227, 227, 2]);
      // Reading a 227 checkpoint back is 230 MB per phase; frozen layers are checked on alexnet-32 (layer-optimizers.test.ts).
      expect((await store.listEpochs('tiny227')).map((e) => `${e.phase}${e.epoch}:${e.checkpoint}`)).toEqual(['source1:true', 'target1:true']);
    } finally {
      store.close();
    }
    // ~40 s on an idle 2-core machine; other jobs sharing the cores can double it.
  }, 240_000);
});
