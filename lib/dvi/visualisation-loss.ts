// DVI's training objective on one batch of sampled graph edges (DVI §4.1-4.2): UMAP's fuzzy cross-entropy with
// negatives drawn inside the batch (as parametric UMAP does), the decoder's reconstruction error, a temporal
// term pulling each point towards where the previous checkpoint's model puts it, and a prediction term asking the
// classifier to give each decoded row the class it gives the row itself.
import * as tf from '@tensorflow/tfjs-core';
import { denseForward } from './dense-network.ts';
import type { UmapCurve } from './umap-curve.ts';

/** One batch: B edges (head row, tail row) and the negative pairs among them. */
export interface LossBatch {
  /** B x d normalised head rows. */
  heads: tf.Tensor2D;
  /** B x d normalised tail rows. */
  tails: tf.Tensor2D;
  /** Negative pairs: head positions and tail positions in the batch (same length, 5 per edge in training). */
  negativeHeads: tf.Tensor1D;
  negativeTails: tf.Tensor1D;
  /** B x 2 positions the previous model gives the head rows; absent for a cold start. */
  previousHeads?: tf.Tensor2D;
  /** The class the classifier predicts for each head row; absent when no classifier head is given. */
  headClasses?: tf.Tensor1D;
}

/** The classifier's head: B x d normalised rows to B x C logits. Differentiable (tensor ops only). */
export type ClassifierHead = (normalisedRows: tf.Tensor2D) => tf.Tensor2D;

export interface LossWeights {
  reconstruction: number;
  temporal: number;
  /** Weight of the prediction term; ignored without a head. */
  prediction: number;
}

export interface LossParts {
  total: tf.Scalar;
  umap: tf.Scalar;
  reconstruction: tf.Scalar;
  temporal: tf.Scalar;
  prediction: tf.Scalar;
}

/** Added to squared distances so d^(2b) keeps a finite gradient when two embeddings coincide. */
const DISTANCE_EPSILON = 1e-8;
/** UMAP clips probabilities at 1e-4 so a single pair cannot dominate the cross-entropy. */
const PROBABILITY_FLOOR = 1e-4;

/**
 * Rows of `points` at `positions`, as a one-hot product: the WASM backend has no UnsortedSegmentSum, which the
 * gradient of tf.gather needs, and at 5 x 512 x 512 the product costs a few million multiply-adds per step.
 */
function pick(points: tf.Tensor2D, positions: tf.Tensor1D): tf.Tensor2D {
  return tf.matMul(tf.cast(tf.oneHot(positions, points.shape[0]), 'float32'), points);
}

/**
 * The loss parts for `batch`: umap = mean over the B positive and the negative pairs of the cross-entropy of
 * q = 1/(1 + a·d^(2b)) against 1 (positive) or 0 (negative); reconstruction = mean squared error of
 * decoder(encoder(heads)) per value; temporal = mean over heads of the squared distance to `previousHeads`
 * (0 without them); prediction = mean over heads of the cross-entropy of softmax(head(decoder(encoder(heads))))
 * against `headClasses` (0 without a head); total = umap + weights.reconstruction·reconstruction +
 * weights.temporal·temporal + weights.prediction·prediction. Call inside tf.tidy or a minimize closure.
 */
export function visualisationLoss(
  encoder: readonly { kernel: tf.Tensor; bias: tf.Tensor }[],
  decoder: readonly { kernel: tf.Tensor; bias: tf.Tensor }[],
  batch: LossBatch,
  curve: UmapCurve,
  weights: LossWeights,
  head?: ClassifierHead,
): LossParts {
  const headPoints = denseForward(encoder, batch.heads);
  const tailPoints = denseForward(encoder, batch.tails);
  const similarity = (a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D => {
    const squared = tf.add(tf.sum(tf.square(tf.sub(a, b)), 1), DISTANCE_EPSILON);
    return tf.mul(tf.pow(squared, curve.b), curve.a) as tf.Tensor1D; // a·d^(2b)
  };
  // -log q = log(1 + a·d^(2b)); -log(1 - q) = log(1 + a·d^(2b)) - log(a·d^(2b)), both clipped as UMAP clips q.
  const positive = tf.log(tf.minimum(tf.add(similarity(headPoints, tailPoints), 1), 1 / PROBABILITY_FLOOR));
  const negativeScaled = similarity(pick(headPoints, batch.negativeHeads), pick(tailPoints, batch.negativeTails));
  const clipped = tf.maximum(negativeScaled, PROBABILITY_FLOOR / (1 - PROBABILITY_FLOOR));
  const negative = tf.sub(tf.log1p(clipped), tf.log(clipped));
  const umap = tf.div(tf.add(tf.sum(positive), tf.sum(negative)), positive.shape[0] + negative.shape[0]) as tf.Scalar;
  const decoded = denseForward(decoder, headPoints);
  const reconstruction = tf.mean(tf.square(tf.sub(decoded, batch.heads))) as tf.Scalar;
  const temporal = batch.previousHeads === undefined ? tf.scalar(0) : (tf.mean(tf.sum(tf.square(tf.sub(headPoints, batch.previousHeads)), 1)) as tf.Scalar);
  const prediction = head === undefined || batch.headClasses === undefined ? tf.scalar(0) : predictionLoss(head(decoded), batch.headClasses);
  const others = tf.addN([tf.mul(reconstruction, weights.reconstruction), tf.mul(temporal, weights.temporal), tf.mul(prediction, weights.prediction)]);
  const total = tf.add(umap, others) as tf.Scalar;
  return { total, umap, reconstruction, temporal, prediction };
}

/**
 * Mean cross-entropy of softmax(logits) against `classes`. The original prediction's class, not its probabilities:
 * a barely trained head's probabilities are near uniform, and matching them would not keep which class leads.
 */
function predictionLoss(logits: tf.Tensor2D, classes: tf.Tensor1D): tf.Scalar {
  const chosen = tf.cast(tf.oneHot(classes, logits.shape[1]), 'float32');
  return tf.neg(tf.mean(tf.sum(tf.mul(chosen, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}
