// Per-layer activations of a batch: what important weights (paper §5.3, Figure 3B) multiply the weights
// by, and the flatten output that feeds the dense layers, which the instance view embeds.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../../core/errors.ts';
import { ALEXNET_LAYERS } from '../../trainer/alexnet-layers.ts';
import { imageCount, inputShape, layerGeometry, runLayers } from './layer-chain.ts';

export interface LayerActivationsOptions {
  /** Layers to read (default conv1..fc8). */
  layers?: readonly string[];
  /** How a convolution channel's map becomes one value (default 'max', as conductance's spatial max). */
  pooling?: 'max' | 'mean';
  /** Also return the full maps (default false: conv1's maps alone are 32K floats per image). */
  raw?: boolean;
  /** The layer whose output is returned as `flatten` (default 'flatten', the input of fc6). */
  flattenLayer?: string;
  /** Images per forward pass (default 256). */
  batchSize?: number;
}

/** One layer's activations, instance-major. */
export interface LayerActivation {
  layer: string;
  /** Channels of a convolution layer, units of a dense layer. */
  neurons: number;
  /** H*W of a convolution map, 1 for a dense layer. */
  positions: number;
  /** count x neurons: each channel's map pooled to one value; a dense unit's own activation. */
  pooled: Float32Array;
  /** count x positions x neurons (NHWC order per image) when `raw` was asked for, else null. */
  raw: Float32Array | null;
}

export interface ActivationsResult {
  count: number;
  /** In the model's layer order. */
  layers: LayerActivation[];
  /** Units of the flatten output. */
  flattenUnits: number;
  /** count x flattenUnits: the activations right before the dense layers. */
  flatten: Float32Array;
}

/**
 * Activations (after each layer's own ReLU, dropout off) of `images` (count * H * W * C floats, NHWC).
 * Throws if the model has no layer named `flattenLayer`. Empty input gives empty arrays.
 */
export async function layerActivations(model: tfl.LayersModel, images: Float32Array, options: LayerActivationsOptions = {}): Promise<ActivationsResult> {
  const shape = inputShape(model);
  const pixels = shape.reduce((a, b) => a * b, 1);
  const count = imageCount(images, pixels, 'layerActivations');
  const batchSize = options.batchSize ?? 256;
  const pooling = options.pooling ?? 'max';
  const flattenName = options.flattenLayer ?? 'flatten';
  if (!model.layers.some((l) => l.name === flattenName)) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `layerActivations: the model has no layer '${flattenName}'. Pass flattenLayer naming the layer before the dense layers.`,
    );
  }
  const geometry = layerGeometry(model, options.layers ?? ALEXNET_LAYERS);
  const flattenUnits = ((model.getLayer(flattenName).outputShape as number[]).slice(1) as number[]).reduce((a, b) => a * b, 1);
  const layers: LayerActivation[] = geometry.map((g) => ({
    layer: g.name,
    neurons: g.neurons,
    positions: g.positions,
    pooled: new Float32Array(count * g.neurons),
    raw: options.raw ? new Float32Array(count * g.positions * g.neurons) : null,
  }));
  const flatten = new Float32Array(count * flattenUnits);
  const index = new Map(geometry.map((g, l) => [g.name, l]));
  for (let from = 0; from < count; from += batchSize) {
    const n = Math.min(batchSize, count - from);
    const read = tf.tidy(() => {
      const pooled: tf.Tensor[] = [];
      const raw: tf.Tensor[] = [];
      let flat: tf.Tensor | undefined;
      const x = tf.tensor(images.subarray(from * pixels, (from + n) * pixels), [n, ...shape]);
      runLayers(model, x, (name, y) => {
        const l = index.get(name);
        if (l !== undefined) {
          pooled[l] = y.rank === 4 ? (pooling === 'max' ? tf.max(y, [1, 2]) : tf.mean(y, [1, 2])) : y;
          raw[l] = y;
        }
        if (name === flattenName) {
          flat = y;
        }
        return y;
      });
      return [...pooled, ...(options.raw ? raw : []), flat!];
    });
    const data = await Promise.all(read.map((t) => t.data() as Promise<Float32Array>));
    read.forEach((t) => t.dispose());
    layers.forEach((layer, l) => {
      layer.pooled.set(data[l]!, from * layer.neurons);
      layer.raw?.set(data[layers.length + l]!, from * layer.positions * layer.neurons);
    });
    flatten.set(data[data.length - 1]!, from * flattenUnits);
  }
  return { count, layers, flattenUnits, flatten };
}
