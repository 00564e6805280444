// Measures how much a training step costs against inference on the wasm backend, on the scaled
// AlexNet (32x32x3 input), after registering our wasm training kernels. Run: npx tsx bench/train-speed.ts
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { buildAlexNet } from '../trainer/alexnet.ts';
import { trainBatch } from '../trainer/train-loop.ts';
import { registerWasmTrainingKernels } from '../trainer/kernels/register-wasm-training-kernels.ts';

export interface TrainSpeedOptions {
  /** Images per predict and per training step (default 64). */
  batchSize?: number;
  /** Untimed predict + train steps first, so XNNPACK operators and the JIT are warm (default 2). */
  warmupSteps?: number;
  /** Timed rounds, each one predict and one training step (default 8). */
  rounds?: number;
}

export interface TrainSpeedResult {
  inferImagesPerSecond: number;
  trainImagesPerSecond: number;
  /** Time per training image divided by time per inference image. */
  trainVsInferCost: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Builds the product's scaled AlexNet on wasm and times predict and one training step on random
 * data (see `timeTrainVsInfer`). Leaves the backend set to 'wasm' and frees every tensor it made.
 */
export async function measureTrainVsInfer(opts: TrainSpeedOptions = {}): Promise<TrainSpeedResult> {
  return timeTrainVsInfer(() => buildAlexNet({ variant: 'alexnet-32', classCount: 10, seed: 3 }), opts);
}

/**
 * Builds `build()`'s model (32x32x3 input, 10 logits) on wasm with our training kernels and times
 * predict and one training step on random data. Rounds interleave predicts and steps and the medians
 * are reported, so load from other processes on the machine hits both sides alike. Leaves the
 * backend set to 'wasm' and frees every tensor it made, the model included.
 */
export async function timeTrainVsInfer(build: () => tfl.LayersModel, opts: TrainSpeedOptions = {}): Promise<TrainSpeedResult> {
  const { batchSize = 64, warmupSteps = 2, rounds = 8 } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1 || !Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`batchSize and rounds must be positive integers (got ${batchSize} and ${rounds}).`);
  }
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
  await tf.ready();
  // The product's training step (Adam, softmax cross-entropy on the logits), not a stand-in.
  const model = build();
  const optimizer = tf.train.adam(0.001);
  const xs = tf.randomUniform([batchSize, 32, 32, 3], 0, 1, 'float32', 7);
  const labels = tf.tidy(() => tf.oneHot(tf.randomUniform([batchSize], 0, 10, 'int32', 11) as tf.Tensor1D, 10)) as tf.Tensor2D;

  const inferOnce = async (): Promise<number> => {
    const start = performance.now();
    const out = model.predict(xs) as tf.Tensor;
    await out.data();
    out.dispose();
    return performance.now() - start;
  };
  const trainOnce = async (): Promise<number> => {
    const start = performance.now();
    await trainBatch(model, optimizer, xs as tf.Tensor4D, labels);
    return performance.now() - start;
  };

  try {
    for (let i = 0; i < warmupSteps; i++) {
      await inferOnce();
      await trainOnce();
    }
    const inferMs: number[] = [];
    const trainMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // A step changes the weights, so the next predict repacks them into new XNNPACK operators;
      // that one is left untimed so inference is measured as deployed (weights fixed).
      await inferOnce();
      inferMs.push(await inferOnce());
      trainMs.push(await trainOnce());
    }
    const inferStep = median(inferMs);
    const trainStep = median(trainMs);
    return {
      inferImagesPerSecond: (batchSize * 1000) / inferStep,
      trainImagesPerSecond: (batchSize * 1000) / trainStep,
      trainVsInferCost: trainStep / inferStep,
    };
  } finally {
    tf.dispose([xs, labels]);
    model.dispose();
    optimizer.dispose();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await measureTrainVsInfer();
  console.log(JSON.stringify(result));
}
