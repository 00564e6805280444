// Reads every named layer's weights out of a model as typed arrays (what checkpoints store), and puts them back.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { LAYER_NAMES, type LayerShape } from '../core/protocol.ts';
import type { LayerWeights } from '../store/schema/tables.ts';

/** conv1..fc8 in order; kernel in tfjs layout ([kh, kw, in, out] or [in, out]), copied out of the backend. */
export function readLayerWeights(model: tfl.LayersModel): LayerWeights[] {
  return LAYER_NAMES.map((name) => {
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

export function layerShapes(model: tfl.LayersModel): LayerShape[] {
  return LAYER_NAMES.map((name) => {
    const [kernel, bias] = model.getLayer(name).getWeights();
    return { name, kernelShape: kernel?.shape.slice() ?? [], biasShape: bias?.shape.slice() ?? [] };
  });
}
