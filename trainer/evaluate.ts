// Per-epoch evaluation: the paper's accuracy series (source-train, target-train, validation) and the
// predictions on both validation sets, which the confusion table needs.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageSet } from '../datasets/index.ts';
import type { TrainingData } from './train-loop.ts';

export interface EpochEvaluation {
  accSourceTrain: number;
  accTargetTrain: number;
  accSourceValidation: number;
  accTargetValidation: number;
  /** Predicted class of every validation instance, in instance order. */
  sourceValidationPredicted: Int16Array;
  targetValidationPredicted: Int16Array;
}

const PREDICT_BATCH = 256;

/** Predicted class of instances `rows` (all when omitted) of `set`, in that order. */
export async function predictClasses(model: tfl.LayersModel, set: ImageSet, rows?: Int32Array): Promise<Int16Array> {
  const pixels = set.height * set.width * 3;
  const count = rows ? rows.length : set.count;
  const out = new Int16Array(count);
  for (let from = 0; from < count; from += PREDICT_BATCH) {
    const n = Math.min(PREDICT_BATCH, count - from);
    let batch: Float32Array;
    if (rows) {
      batch = new Float32Array(n * pixels);
      for (let i = 0; i < n; i++) {
        const r = rows[from + i]!;
        batch.set(set.images.subarray(r * pixels, (r + 1) * pixels), i * pixels);
      }
    } else {
      batch = set.images.subarray(from * pixels, (from + n) * pixels);
    }
    const classes = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(batch, [n, set.height, set.width, 3])) as tf.Tensor2D, 1));
    out.set(await classes.data(), from);
    classes.dispose();
  }
  return out;
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
  const offset = (seed % 997) / 997 * stride;
  return Int32Array.from({ length: max }, (_, i) => Math.min(count - 1, Math.floor(offset + i * stride)));
}

async function trainAccuracy(model: tfl.LayersModel, set: ImageSet, max: number, seed: number): Promise<number> {
  const rows = sampleRows(set.count, max, seed);
  const predicted = await predictClasses(model, set, rows);
  return accuracy(predicted, Array.from(rows, (r) => set.labels[r]!));
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
