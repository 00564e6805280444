// A checkpoint's model seen three ways for DVI: images to class probabilities (the bisection's classifier),
// images to the representation (the flatten layer the instance view embeds), and the representation to class
// probabilities through the model's own head (the layers after flatten), which classifies decoded map points.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Classify } from '../../lib/dvi/index.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { inputShape, layerTopology, partitionsEveryPath, runGraph } from '../attribution/layer-graph.ts';

export interface CheckpointClassifier {
  /** n images (NHWC floats in [0, 1]) to n x C softmax probabilities. */
  classifyImages: Classify;
  /** n images to their n x d flatten-layer activations. */
  representImages(images: Float32Array, n: number): Promise<Float32Array>;
  /** n x d representations to n x C softmax probabilities through the layers after the representation layer. */
  classifyRepresentations: Classify;
  /** n x d representation tensor to n x C logits through the head, as tensor ops (differentiable; call in tf.tidy). */
  headLogits(rows: tf.Tensor2D): tf.Tensor2D;
  /** d, the representation's width. */
  dimensions: number;
  /** Floats per image. */
  imageSize: number;
}

/** Rows per forward pass: 256 images of the large variant are ~150 MB of activations in its first layers. */
const BATCH = 256;

/** Wraps `model` (not owned: the caller disposes it) around its layer `representationLayer`. */
export function checkpointClassifier(model: tfl.LayersModel, representationLayer: string): CheckpointClassifier {
  const at = model.layers.findIndex((l) => l.name === representationLayer);
  if (at < 0) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `The model has no layer '${representationLayer}' (its layers: ${model.layers.map((l) => l.name).join(', ')}). Pass the layer before the dense layers.`,
    );
  }
  const head = model.layers.slice(at + 1);
  requireChainHead(model, representationLayer, head);
  const shape = inputShape(model);
  const imageSize = shape.reduce((a, b) => a * b, 1);
  const dimensions = (model.layers[at]!.outputShape as number[]).slice(1).reduce((a, b) => a * b, 1);

  const apply = (layers: readonly tfl.layers.Layer[], x: tf.Tensor): tf.Tensor =>
    layers.reduce((h, layer) => layer.apply(h, { training: false }) as tf.Tensor, x);

  /** `rows` (n x `width`) through `run` batch by batch; `run` is called inside tf.tidy. */
  const batched = async (rows: Float32Array, n: number, width: number, rowShape: number[], run: (x: tf.Tensor) => tf.Tensor): Promise<Float32Array> => {
    const parts: Float32Array[] = [];
    for (let from = 0; from < n; from += BATCH) {
      const size = Math.min(BATCH, n - from);
      const out = tf.tidy(() => run(tf.tensor(rows.subarray(from * width, (from + size) * width), [size, ...rowShape])));
      parts.push((await out.data()) as Float32Array);
      out.dispose();
    }
    const total = parts.reduce((sum, p) => sum + p.length, 0);
    const joined = new Float32Array(total);
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    return joined;
  };

  return {
    dimensions,
    imageSize,
    classifyImages: (images, n) => batched(images, n, imageSize, shape, (x) => tf.softmax(runGraph(model, x) as tf.Tensor2D)),
    representImages: (images, n) =>
      batched(images, n, imageSize, shape, (x) => tf.reshape(runGraph(model, x, undefined, representationLayer), [-1, dimensions])),
    headLogits: (rows) => apply(head, rows) as tf.Tensor2D,
    classifyRepresentations: (rows, n) => batched(rows, n, dimensions, [dimensions], (x) => tf.softmax(apply(head, x) as tf.Tensor2D)),
  };
}

/**
 * Decoded map points are classified by the layers after the representation alone, so every path from the input to
 * the output must pass through the representation and those layers must be a chain (in a ResNet: pooling, then the
 * classifier). Throws one line otherwise.
 */
function requireChainHead(model: tfl.LayersModel, representationLayer: string, head: readonly tfl.layers.Layer[]): void {
  const topology = layerTopology(model);
  const chain = head.every((layer, i) => {
    const reads = topology.inbound.get(layer.name) ?? [];
    return reads.length === 1 && reads[0] === (i === 0 ? representationLayer : head[i - 1]!.name);
  });
  if (!chain || !partitionsEveryPath(topology, [representationLayer])) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `The projection needs the layers after '${representationLayer}' to form one chain that every path goes through; this model's do not. Statistics, instances and the network views work for it.`,
    );
  }
}
