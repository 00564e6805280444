import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerWasmTrainingKernels } from '../../../trainer/kernels/register-wasm-training-kernels.ts';
import { registeredWasmKernel } from '../../../trainer/kernels/wasm-kernel-runner.ts';
import { backendDataIds, prepareBackends, relativeError, seededValues } from './compare-backends.ts';

const kernelNames = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'MaxPoolGrad',
  'Identity',
  'Tile',
  'BatchMatMul',
  'Sum',
  'Mean',
  'Cast',
];

/** conv2d + maxPooling2d + dense with seeded initialisers, so cpu and wasm start from equal weights. */
function buildTinyModel(): tfl.Sequential {
  const model = tfl.sequential();
  model.add(
    tfl.layers.conv2d({
      inputShape: [12, 12, 3],
      filters: 8,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  return model;
}

/** 24 images whose class is the channel with the largest mean, which a tiny convnet can learn. */
function makeBatch(): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const values = seededValues(24 * 12 * 12 * 3, 12).map((v) => (v + 1) / 2);
  return tf.tidy(() => {
    const xs = tf.tensor4d(values, [24, 12, 12, 3]);
    const labels = tf.argMax(tf.mean(xs, [1, 2]), 1);
    return { xs, ys: tf.cast(tf.oneHot(labels as tf.Tensor1D, 3), 'float32') as tf.Tensor2D };
  });
}

async function weightsAfterOneStep(backend: 'cpu' | 'wasm'): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const model = buildTinyModel();
  const { xs, ys } = makeBatch();
  await model.trainOnBatch(xs, ys);
  const weights = await Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
  tf.dispose([xs, ys]);
  model.dispose();
  return weights;
}

beforeAll(prepareBackends);

describe('registerWasmTrainingKernels', () => {
  it('is idempotent: a second call keeps the same kernels', () => {
    const first = kernelNames.map(registeredWasmKernel);
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    expect(kernelNames.map(registeredWasmKernel)).toEqual(first);
    expect(first.every((config) => config !== undefined)).toBe(true);
  });

  it('lets a tfjs-layers convnet fit on wasm, with the loss going down', async () => {
    await tf.setBackend('wasm');
    const model = buildTinyModel();
    const { xs, ys } = makeBatch();
    const history = await model.fit(xs, ys, { epochs: 12, batchSize: 24, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.9);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('takes the same training step on wasm as on cpu', async () => {
    const cpu = await weightsAfterOneStep('cpu');
    const wasm = await weightsAfterOneStep('wasm');
    expect(wasm.length).toBe(cpu.length);
    cpu.forEach((expected, i) => expect(relativeError(expected, wasm[i]!)).toBeLessThan(1e-4));
  });

  it('leaks neither tensors nor backend memory across training steps', async () => {
    await tf.setBackend('wasm');
    const model = buildTinyModel();
    const { xs, ys } = makeBatch();
    // The first step creates the optimizer's state; later steps must not grow anything.
    await model.trainOnBatch(xs, ys);
    const tensors = tf.memory().numTensors;
    const dataIds = backendDataIds();
    await model.trainOnBatch(xs, ys);
    await model.trainOnBatch(xs, ys);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backendDataIds()).toBe(dataIds);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
