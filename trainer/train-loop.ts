// The two-phase training loop: train a source model on the source domain, then fine-tune a copy of it
// on the target domain. The loop only trains, evaluates and runs callbacks; recording and progress are
// callbacks. Tensors never leave this folder: callbacks get numbers and typed arrays.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Phase } from '../monitor/protocol.ts';
import type { LayerWeights } from '../monitor/schema/tables.ts';
import type { DomainSplit, ImageSet } from '../datasets/index.ts';
import type { TrainConfig } from './config.ts';
import { buildAlexNet } from './alexnet.ts';
import { evaluateEpoch, type EpochEvaluation } from './evaluate.ts';
import { readLayerWeights } from './layer-weights.ts';
import { SeededRandom } from '../datasets/seeded-random.ts';

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

export interface TrainingData {
  source: DomainSplit;
  target: DomainSplit;
}

/** Copies the rows `indices[from..to)` of `set` into one batch tensor pair (images NHWC, one-hot labels). */
function batchTensors(set: ImageSet, indices: Int32Array, from: number, to: number, classCount: number): [tf.Tensor4D, tf.Tensor2D] {
  const pixels = set.height * set.width * 3;
  const n = to - from;
  const x = new Float32Array(n * pixels);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = indices[from + i]!;
    x.set(set.images.subarray(row * pixels, (row + 1) * pixels), i * pixels);
    y[i] = set.labels[row]!;
  }
  return [tf.tensor4d(x, [n, set.height, set.width, 3]), tf.oneHot(tf.tensor1d(y, 'int32'), classCount) as tf.Tensor2D];
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
  model: tfl.LayersModel, optimizer: tf.Optimizer, set: ImageSet, batchSize: number, rng: SeededRandom,
  report: (batch: number, batches: number, loss: number, seconds: number) => void, signal?: AbortSignal,
): Promise<{ loss: number; seconds: number }> {
  const order = Int32Array.from({ length: set.count }, (_, i) => i);
  rng.shuffle(order);
  const batches = Math.ceil(set.count / batchSize);
  const started = performance.now();
  let lossSum = 0;
  for (let b = 0; b < batches; b++) {
    // WASM kernels resolve through microtasks only; without a macrotask turn a Ctrl-C (a signal event)
    // would wait for the epoch's store writes instead of stopping after this batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
    const from = b * batchSize;
    const to = Math.min(set.count, from + batchSize);
    const [x, y] = batchTensors(set, order, from, to, set.classNames.length);
    const loss = await trainBatch(model, optimizer, x, y);
    tf.dispose([x, y]);
    lossSum += loss * (to - from);
    report(b + 1, batches, loss, (performance.now() - started) / 1000);
  }
  return { loss: lossSum / set.count, seconds: (performance.now() - started) / 1000 };
}

/**
 * Runs both phases. Epoch callbacks are awaited before the next epoch starts, so a recorder's commit
 * is durable before training moves on. `signal` stops training between batches.
 */
export async function runTwoPhaseTraining(config: TrainConfig, data: TrainingData, callbacks: TrainingCallbacks, signal?: AbortSignal): Promise<void> {
  const classCount = data.source.train.classNames.length;
  const rng = new SeededRandom(config.seed);
  const sourceModel = buildAlexNet({ variant: config.model, classCount, seed: config.seed });
  let step = 0;
  let previous: tfl.LayersModel | null = null;
  for (const phase of ['source', 'target'] as const) {
    const settings = config.phases[phase];
    const model = phase === 'source' ? sourceModel : buildAlexNet({ variant: config.model, classCount, seed: config.seed });
    if (previous) {
      // Fine-tuning starts from every weight of the final source model.
      model.setWeights(previous.getWeights());
    }
    const optimizer = tf.train.adam(settings.learningRate);
    const trainSet = data[phase].train;
    await callbacks.onPhaseStart?.(phase, settings.epochs, Math.ceil(trainSet.count / settings.batchSize));
    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      step += 1;
      const { loss, seconds } = await trainEpoch(model, optimizer, trainSet, settings.batchSize, rng, (batch, batches, batchLoss, elapsed) => {
        callbacks.onBatchEnd?.({ phase, epoch, batch, batches, loss: batchLoss, imagesPerSecond: (Math.min(batch * settings.batchSize, trainSet.count)) / elapsed });
      }, signal);
      const evaluation = await evaluateEpoch(model, data, config.evalTrainSamples, config.seed + step);
      const isCheckpoint = epoch % config.checkpointEvery === 0 || epoch === settings.epochs;
      await callbacks.onEpochEnd?.({
        phase, epoch, step, loss, trainSeconds: seconds, trainImagesPerSecond: trainSet.count / seconds, evaluation,
        ...(isCheckpoint ? { weights: readLayerWeights(model) } : {}),
      });
    }
    optimizer.dispose();
    if (previous) {
      previous.dispose();
    }
    previous = model;
  }
  previous?.dispose();
}
