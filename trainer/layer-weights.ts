// Reads every named layer's weights out of a model as typed arrays (what checkpoints store), and puts them back.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LayerShape } from '../core/protocol.ts';
import { ALEXNET_LAYERS } from './alexnet.ts';
import type { LayerWeights } from '../store/schema/tables.ts';

/** conv1..fc8 in order; kernel in tfjs layout ([kh, kw, in, out] or [in, out]), copied out of the backend. */
export function readLayerWeights(model: tfl.LayersModel): LayerWeights[] {
  return ALEXNET_LAYERS.map((name) => {
    const [kernel, bias] = model.getLayer(name).getWeights();
    if (!kernel || !bias) {
      throw new Error(`readLayerWeights: layer '${name}' has no kernel and bias.`);
    }
    return { layer: name, kernelShape: kernel.shape.slice(), kernel: Float32Array.from(kernel.dataSync()), bias: Float32Array.from(bias.dataSync()) };
  });
}

/** Sets each listed layer's kernel and bias from a checkpoint (`readLayerWeights`' output); other layers are left as they are. */
export function writeLayerWeights(model: tfl.LayersModel, weights: readonly LayerWeights[]): void {
  for (const w of weights) {
    // setWeights copies into the layer's variables, so the temporary tensors go with the tidy.
    tf.tidy(() => model.getLayer(w.layer).setWeights([tf.tensor(w.kernel, w.kernelShape), tf.tensor1d(w.bias)]));
  }
}

/**
 * Every layer that has weights, in model order, as checkpoint rows: `kernel` is its first weight tensor (with its
 * shape), `bias` the others flattened and concatenated in the layer's order (a Dense/Conv2D bias; batch norm's
 * beta, moving mean and variance after gamma; a separable convolution's pointwise kernel and bias). For AlexNet
 * these are exactly `readLayerWeights`' rows; for any other model they are what `writeModelWeights` needs.
 */
export function readModelWeights(model: tfl.LayersModel): LayerWeights[] {
  return model.layers
    .filter((layer) => layer.weights.length > 0)
    .map((layer) => {
      const [kernel, ...rest] = layer.getWeights();
      const bias = new Float32Array(rest.reduce((n, t) => n + t.size, 0));
      let at = 0;
      for (const t of rest) {
        bias.set(t.dataSync(), at);
        at += t.size;
      }
      return { layer: layer.name, kernelShape: kernel!.shape.slice(), kernel: Float32Array.from(kernel!.dataSync()), bias };
    });
}

/** Puts checkpoint rows (`readModelWeights`' output) back into a model of the same topology; throws naming a row that does not fit. */
export function writeModelWeights(model: tfl.LayersModel, weights: readonly LayerWeights[]): void {
  for (const w of weights) {
    const layer = model.getLayer(w.layer);
    const own = layer.getWeights();
    const sizes = own.slice(1).map((t) => t.size);
    if (own[0]?.shape.join('x') !== w.kernelShape.join('x') || sizes.reduce((a, b) => a + b, 0) !== w.bias.length) {
      throw new Error(`writeModelWeights: the stored weights of layer '${w.layer}' (kernel ${w.kernelShape.join('x')}) do not fit the model's layer.`);
    }
    tf.tidy(() => {
      let at = 0;
      const rest = own.slice(1).map((t) => {
        const part = tf.tensor(w.bias.subarray(at, at + t.size), t.shape);
        at += t.size;
        return part;
      });
      layer.setWeights([tf.tensor(w.kernel, w.kernelShape), ...rest]);
    });
  }
}

/** Kernel and bias shapes of the named layers of any model (a layer without a bias has biasShape []). */
export function layerShapesOf(model: tfl.LayersModel, names: readonly string[]): LayerShape[] {
  return names.map((name) => {
    const [kernel, bias] = model.getLayer(name).getWeights();
    return { name, kernelShape: kernel?.shape.slice() ?? [], biasShape: bias?.shape.slice() ?? [] };
  });
}
