// Shared checks for the built-in networks: a tiny learnable batch, training steps on a chosen backend
// with the product's own step (trainBatch), the tensor and backend-memory counts around a step, and
// the training tests every network must pass.
import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { trainBatch } from '../../../trainer/train-loop.ts';
import { backendDataIds, seededValues, type BackendName } from '../kernels/compare-backends.ts';

export const CLASS_COUNT = 3;

/** `count` 32x32 images whose class is the channel with the largest mean, which a convnet can learn. */
export function makeBatch(count: number, seed: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const values = seededValues(count * 32 * 32 * 3, seed).map((v) => (v + 1) / 2);
  return tf.tidy(() => {
    const xs = tf.tensor4d(values, [count, 32, 32, 3]);
    const labels = tf.argMax(tf.mean(xs, [1, 2]), 1) as tf.Tensor1D;
    return { xs, ys: tf.cast(tf.oneHot(labels, CLASS_COUNT), 'float32') as tf.Tensor2D };
  });
}

/** The product's loss (softmax cross-entropy on the logits) of one batch, in training mode (batch statistics). */
function batchLoss(model: tfl.LayersModel, xs: tf.Tensor4D, ys: tf.Tensor2D): Promise<number> {
  const loss = tf.tidy(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor2D));
  return loss.data().then((values) => {
    loss.dispose();
    return values[0]!;
  });
}

/**
 * Builds a model on `backend` and takes `steps` plain SGD steps on one batch; resolves with the loss
 * before each step and, last, the loss after the final step (steps + 1 values). SGD, not Adam: Adam's
 * first update is about lr·sign(g), which turns float rounding in near-zero gradients into different
 * steps on different backends.
 */
export async function trainingLosses(
  build: () => tfl.LayersModel,
  backend: BackendName,
  steps: number,
  batchSize: number,
  learningRate = 0.05,
): Promise<number[]> {
  await tf.setBackend(backend);
  const model = build();
  const optimizer = tf.train.sgd(learningRate);
  const { xs, ys } = makeBatch(batchSize, 21);
  try {
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) {
      losses.push(await trainBatch(model, optimizer, xs, ys));
    }
    losses.push(await batchLoss(model, xs, ys));
    return losses;
  } finally {
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  }
}

/** Engine tensors and backend data ids gained over one training step taken after a first (warm-up) step. */
export async function growthOverOneStep(build: () => tfl.LayersModel): Promise<{ tensors: number; dataIds: number }> {
  await tf.setBackend('wasm');
  const model = build();
  const optimizer = tf.train.adam(0.001);
  const { xs, ys } = makeBatch(4, 22);
  try {
    // The first step creates the optimizer's moments; later steps must not grow anything.
    await trainBatch(model, optimizer, xs, ys);
    const tensors = tf.memory().numTensors;
    const dataIds = backendDataIds();
    await trainBatch(model, optimizer, xs, ys);
    return { tensors: tf.memory().numTensors - tensors, dataIds: backendDataIds() - dataIds };
  } finally {
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  }
}

/** Every weight of a freshly built model, as plain arrays (for seed determinism checks). */
export async function initialWeights(build: () => tfl.LayersModel): Promise<Float32Array[]> {
  const model = build();
  const values = await Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
  model.dispose();
  return values;
}

/**
 * Registers the tests every built-in network passes: seed determinism, learning a tiny batch on wasm,
 * no leak over a step, and the same step on wasm as on cpu. `build(seed)` makes a CLASS_COUNT model.
 */
export function itTrainsOnWasm(build: (seed: number) => tfl.LayersModel): void {
  it('starts from the same weights for the same seed and from others for another seed', async () => {
    await tf.setBackend('wasm');
    const [a, b, c] = [await initialWeights(() => build(5)), await initialWeights(() => build(5)), await initialWeights(() => build(6))];
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(c[0]);
  });

  it('learns a tiny batch on wasm: the loss goes down over a few steps', async () => {
    const losses = await trainingLosses(() => build(1), 'wasm', 5, 8);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.8);
  });

  it('leaks neither tensors nor backend memory across a training step on wasm', async () => {
    expect(await growthOverOneStep(() => build(1))).toEqual({ tensors: 0, dataIds: 0 });
  });

  it('takes the same training step on wasm as on cpu', async () => {
    // One image and one step: the cpu backend's Conv2DBackpropFilter is a scalar loop (~30 s for
    // ResNet-20 on 2 busy cores).
    const cpu = await trainingLosses(() => build(1), 'cpu', 1, 1, 0.1);
    const wasm = await trainingLosses(() => build(1), 'wasm', 1, 1, 0.1);
    // The loss after the step compares the gradients too, so the step must change it.
    expect(Math.abs(cpu[1]! - cpu[0]!)).toBeGreaterThan(0.01);
    wasm.forEach((loss, i) => expect(Math.abs(loss - cpu[i]!)).toBeLessThan(1e-3 * Math.max(1, cpu[i]!)));
  });
}
