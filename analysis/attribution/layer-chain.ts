// Runs a Sequential model one layer at a time in inference mode, so attribution code can read or
// perturb any named layer's output in the middle of a single pass instead of building sub-models.
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../../core/errors.ts';

/** Called with each layer's output; returns what the next layer receives (the output itself, or a probed copy). */
export type LayerTap = (layerName: string, output: tf.Tensor) => tf.Tensor;

/** A named layer's output geometry: `positions` is 1 for dense layers, H*W for NHWC convolution maps. */
export interface LayerGeometry {
  name: string;
  /** Output shape without the batch axis, e.g. [32, 32, 32] or [256]. */
  shape: number[];
  /** Channels of a convolution map, units of a dense layer: the last axis. */
  neurons: number;
  positions: number;
}

/**
 * Applies `model.layers` in order to `input` with `training: false` (dropout off), as `model.predict`
 * would for a Sequential chain, calling `tap` after every layer. Stops after the layer named `until`
 * when given. Must be called inside `tf.tidy` (or a gradient function): intermediates are not disposed here.
 */
export function runLayers(model: tfl.LayersModel, input: tf.Tensor, tap?: LayerTap, until?: string): tf.Tensor {
  let h = input;
  for (const layer of model.layers) {
    h = layer.apply(h, { training: false }) as tf.Tensor;
    if (tap) {
      h = tap(layer.name, h);
    }
    if (layer.name === until) {
      return h;
    }
  }
  return h;
}

/** The input shape without the batch axis, e.g. [32, 32, 3]. */
export function inputShape(model: tfl.LayersModel): number[] {
  const shape = model.inputs[0]?.shape.slice(1) ?? [];
  if (shape.length === 0 || shape.some((d) => d === null)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `The model's input shape must be fully known (got [${shape.join(', ')}]). Build it with inputShape set.`);
  }
  return shape as number[];
}

/** Geometry of each named layer, in the model's layer order; throws if a name is missing or not NHWC/dense. */
export function layerGeometry(model: tfl.LayersModel, names: readonly string[]): LayerGeometry[] {
  const order = model.layers.map((l) => l.name);
  const unknown = names.filter((n) => !order.includes(n));
  if (unknown.length > 0) {
    throw new TransferscopeError('INVALID_ARGUMENT', `The model has no layer named ${unknown.join(', ')} (its layers: ${order.join(', ')}).`);
  }
  return [...new Set(names)]
    .sort((a, b) => order.indexOf(a) - order.indexOf(b))
    .map((name) => {
      const outputShape = model.getLayer(name).outputShape as (number | null)[];
      const shape = outputShape.slice(1);
      if ((shape.length !== 1 && shape.length !== 3) || shape.some((d) => d === null)) {
        throw new TransferscopeError(
          'INVALID_ARGUMENT',
          `Layer '${name}' has output shape [${outputShape.join(', ')}]; attribution needs [batch, units] or [batch, H, W, channels].`,
        );
      }
      const dims = shape as number[];
      const neurons = dims[dims.length - 1]!;
      return { name, shape: dims, neurons, positions: dims.reduce((a, b) => a * b, 1) / neurons };
    });
}

/** Number of whole images in `images` for a model with `pixels` floats per image; throws on a remainder. */
export function imageCount(images: Float32Array, pixels: number, caller: string): number {
  if (images.length % pixels !== 0) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `${caller} got ${images.length} floats, not a whole number of ${pixels}-float images. Pass count * H * W * C floats (NHWC).`,
    );
  }
  return images.length / pixels;
}
