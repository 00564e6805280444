// The two-phase training loop: train a source model on the source domain, then fine-tune a copy of it
// on the target domain. The loop only trains, evaluates and runs callbacks; recording and progress are
// callbacks. Tensors never leave this folder: callbacks get numbers and typed arrays.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Phase } from '../core/protocol.ts';
import type { LayerWeights } from '../store/schema/tables.ts';
import type { ImageReader } from '../datasets/image-reader.ts';
import type { TrainConfig } from './config.ts';
import { buildAlexNet } from './alexnet.ts';
import { evaluateEpoch, meanLoss, sampleRows, type EpochEvaluation, type TrainingData } from './evaluate.ts';

import { makePhaseOptimizer, type PhaseOptimizer } from './layer-optimizers.ts';
import { readBatches } from './read-batches.ts';
import { readLayerWeights } from './layer-weights.ts';
import { SeededRandom } from '../lib/random/index.ts';

export interface BatchEnd {
  phase: Phase;
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  imagesPerSecond: number;
}

export interface EpochEnd {
  phase: Phase;
  epoch: number;
  /** 1-based over both phases. */
  step: number;
  loss: number;
  trainSeconds: number;
  trainImagesPerSecond: number;
  evaluation: EpochEvaluation;
  /** Every layer's weights, present at checkpoints only. */
  weights?: LayerWeights[];
}

export interface TrainingCallbacks {
  onPhaseStart?(phase: Phase, epochs: number, batchesPerEpoch: number): void | Promise<void>;
  onBatchEnd?(info: BatchEnd): void;
  onEpochEnd?(info: EpochEnd): void | Promise<void>;
}

/** One optimiser step on a batch (x: NHWC images, y: one-hot labels); resolves with the batch's mean loss. */
export async function trainBatch(model: tfl.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor2D): Promise<number> {
  const cost = optimizer.minimize(() => {
    const logits = model.apply(x, { training: true }) as tf.Tensor2D;
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  }, true)!;
  const loss = (await cost.data())[0]!;
  cost.dispose();
  return loss;
}

async function trainEpoch(
  optimizer: PhaseOptimizer, reader: ImageReader, batchSize: number, rng: SeededRandom, augment: SeededRandom | undefined,
  report: (batch: number, batches: number, loss: number, seconds: number) => void, signal?: AbortSignal,
): Promise<{ loss: number; seconds: number }> {
  const order = Int32Array.from({ length: reader.count }, (_, i) => i);
  rng.shuffle(order);
  const batches = Math.ceil(reader.count / batchSize);
  const classCount = reader.classNames.length;
  const started = performance.now();
  let lossSum = 0;
  let b = 0;
  for await (const { pixels, from, to } of readBatches(reader, order, batchSize, augment)) {
    // WASM kernels resolve through microtasks only; without a macrotask turn a Ctrl-C (a signal event)
    // would wait for the epoch's store writes instead of stopping after this batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
    const n = to - from;
    const x = tf.tensor4d(pixels, [n, reader.height, reader.width, 3]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(order.subarray(from, to), (r) => reader.labels[r]!), 'int32'), classCount) as tf.Tensor2D);
    const loss = await optimizer.step(x, y);
    tf.dispose([x, y]);
    lossSum += loss * n;
    b += 1;
    report(b, batches, loss, (performance.now() - started) / 1000);
  }
  return { loss: lossSum / reader.count, seconds: (performance.now() - started) / 1000 };
}

/** The source phase of a run that imports its source model: one evaluation-only epoch, a checkpoint. */
async function evaluatePretrained(model: tfl.LayersModel, config: TrainConfig, data: TrainingData, callbacks: TrainingCallbacks): Promise<void> {
  await callbacks.onPhaseStart?.('source', 1, 0);
  const evaluation = await evaluateEpoch(model, data, config.evalTrainSamples, config.seed + 1);
  const loss = await meanLoss(model, data.source.train, sampleRows(data.source.train.count, config.evalTrainSamples, config.seed + 1));
  await callbacks.onEpochEnd?.({ phase: 'source', epoch: 1, step: 1, loss, trainSeconds: 0, trainImagesPerSecond: 0, evaluation, weights: readLayerWeights(model) });
}

/**
 * Runs both phases. Epoch callbacks are awaited before the next epoch starts, so a recorder's commit
 * is durable before training moves on. `signal` stops training between batches. With `pretrained`
 * (taken over, and disposed, by this function) the source phase only evaluates that model.
 */
export async function runTwoPhaseTraining(config: TrainConfig, data: TrainingData, callbacks: TrainingCallbacks, signal?: AbortSignal, pretrained?: tfl.LayersModel): Promise<void> {
  const classCount = data.source.train.classNames.length;
  const rng = new SeededRandom(config.seed);
  // Augmentation draws from its own stream, so turning it on leaves the batch order unchanged.
  const augmentRng = new SeededRandom(config.seed ^ 0x5eed);
  let step = 0;
  let previous: tfl.LayersModel | null = null;
  if (pretrained) {
    await evaluatePretrained(pretrained, config, data, callbacks);
    previous = pretrained;
    step = 1;
  }
  for (const phase of pretrained ? (['target'] as const) : (['source', 'target'] as const)) {
    const settings = config.phases[phase];
    const model = buildAlexNet({ variant: config.model, classCount, seed: config.seed });
    if (previous) {
      // Fine-tuning starts from every weight of the final source model. The copies share the source
      // variables' data, so the source model can go now: at 227x227 it holds 230 MB of WASM heap.
      model.setWeights(previous.getWeights());
      previous.dispose();
    }
    const optimizer = makePhaseOptimizer(model, settings);
    const trainSet = data[phase].train;
    await callbacks.onPhaseStart?.(phase, settings.epochs, Math.ceil(trainSet.count / settings.batchSize));
    try {
      for (let epoch = 1; epoch <= settings.epochs; epoch++) {
        step += 1;
        const { loss, seconds } = await trainEpoch(optimizer, trainSet, settings.batchSize, rng, settings.augment ? augmentRng : undefined, (batch, batches, batchLoss, elapsed) => {
          callbacks.onBatchEnd?.({ phase, epoch, batch, batches, loss: batchLoss, imagesPerSecond: (Math.min(batch * settings.batchSize, trainSet.count)) / elapsed });
        }, signal);
        const evaluation = await evaluateEpoch(model, data, config.evalTrainSamples, config.seed + step);
        const isCheckpoint = epoch % config.checkpointEvery === 0 || epoch === settings.epochs;
        await callbacks.onEpochEnd?.({
          phase, epoch, step, loss, trainSeconds: seconds, trainImagesPerSecond: trainSet.count / seconds, evaluation,
          ...(isCheckpoint ? { weights: readLayerWeights(model) } : {}),
        });
      }
    } catch (err) {
      optimizer.dispose();
      model.dispose();
      throw err;
    }
    optimizer.dispose();
    previous = model;
  }
  previous?.dispose();
}
