// Per-epoch evaluation: the paper's accuracy series (source-train, target-train, validation) and the
// predictions on both validation sets, which the confusion table needs.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageReader, ReaderSplit } from '../datasets/image-reader.ts';
import { readBatches } from './read-batches.ts';

/** Both domains' train and validation readers, as the loop and the evaluation read them. */
export interface TrainingData {
  source: ReaderSplit;
  target: ReaderSplit;
}

export interface EpochEvaluation {
  accSourceTrain: number;
  accTargetTrain: number;
  accSourceValidation: number;
  accTargetValidation: number;
  /** Predicted class of every validation instance, in instance order. */
  sourceValidationPredicted: Int16Array;
  targetValidationPredicted: Int16Array;
}

/** Images per inference batch: 256 at 32x32, fewer for larger inputs so a batch stays ~3 MB of pixels. */
export function predictBatchSize(reader: Pick<ImageReader, 'height' | 'width'>): number {
  return Math.max(16, Math.min(256, Math.floor((256 * 32 * 32) / (reader.height * reader.width))));
}

/** Predicted class of instances `rows` (all when omitted) of `reader`, in that order. */
export async function predictClasses(model: tfl.LayersModel, reader: ImageReader, rows?: Int32Array): Promise<Int16Array> {
  const order = rows ?? Int32Array.from({ length: reader.count }, (_, i) => i);
  const out = new Int16Array(order.length);
  for await (const { pixels, from, to } of readBatches(reader, order, predictBatchSize(reader))) {
    const classes = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(pixels, [to - from, reader.height, reader.width, 3])) as tf.Tensor2D, 1));
    out.set(await classes.data(), from);
    classes.dispose();
  }
  return out;
}

/** Mean softmax cross-entropy of `model` on `rows` of `reader` (0 for no rows). */
export async function meanLoss(model: tfl.LayersModel, reader: ImageReader, rows: Int32Array): Promise<number> {
  let sum = 0;
  for await (const { pixels, from, to } of readBatches(reader, rows, predictBatchSize(reader))) {
    const loss = tf.tidy(() => {
      const labels = tf.oneHot(
        tf.tensor1d(
          Array.from(rows.subarray(from, to), (r) => reader.labels[r]!),
          'int32',
        ),
        reader.classNames.length,
      );
      return tf.losses.softmaxCrossEntropy(labels, model.predict(tf.tensor4d(pixels, [to - from, reader.height, reader.width, 3])) as tf.Tensor2D);
    });
    sum += (await loss.data())[0]! * (to - from);
    loss.dispose();
  }
  return rows.length === 0 ? 0 : sum / rows.length;
}

export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) {
    if (predicted[i] === labels[i]) {
      correct++;
    }
  }
  return predicted.length === 0 ? 0 : correct / predicted.length;
}

/** A fixed-seed sample of at most `max` row indices of a set of `count`. */
export function sampleRows(count: number, max: number, seed: number): Int32Array {
  if (count <= max) {
    return Int32Array.from({ length: count }, (_, i) => i);
  }
  // Evenly spaced rows from a seeded offset: a cheap sample that still covers every class of a shuffled set.
  const stride = count / max;
  const offset = ((seed % 997) / 997) * stride;
  return Int32Array.from({ length: max }, (_, i) => Math.min(count - 1, Math.floor(offset + i * stride)));
}

async function trainAccuracy(model: tfl.LayersModel, set: ImageReader, max: number, seed: number): Promise<number> {
  const rows = sampleRows(set.count, max, seed);
  const predicted = await predictClasses(model, set, rows);
  return accuracy(
    predicted,
    Array.from(rows, (r) => set.labels[r]!),
  );
}

export async function evaluateEpoch(model: tfl.LayersModel, data: TrainingData, evalTrainSamples: number, seed: number): Promise<EpochEvaluation> {
  const sourceValidationPredicted = await predictClasses(model, data.source.validation);
  const targetValidationPredicted = await predictClasses(model, data.target.validation);
  return {
    accSourceTrain: await trainAccuracy(model, data.source.train, evalTrainSamples, seed),
    accTargetTrain: await trainAccuracy(model, data.target.train, evalTrainSamples, seed),
    accSourceValidation: accuracy(sourceValidationPredicted, data.source.validation.labels),
    accTargetValidation: accuracy(targetValidationPredicted, data.target.validation.labels),
    sourceValidationPredicted,
    targetValidationPredicted,
  };
}
