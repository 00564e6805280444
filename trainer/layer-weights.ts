// Reads every named layer's weights out of a model as typed arrays (what checkpoints store).
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

export function layerShapes(model: tfl.LayersModel): LayerShape[] {
  return LAYER_NAMES.map((name) => {
    const [kernel, bias] = model.getLayer(name).getWeights();
    return { name, kernelShape: kernel?.shape.slice() ?? [], biasShape: bias?.shape.slice() ?? [] };
  });
}
