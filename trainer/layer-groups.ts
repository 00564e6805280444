// Which monitored layer each layer with weights belongs to, so that per-layer learning rates and frozen layers,
// which users name by monitored layers, reach batch norms and unmonitored convolutions too.
import type * as tfl from '@tensorflow/tfjs-layers';

export interface LayerGroup {
  /** The monitored layer that names the group. */
  layer: string;
  /** 'fc' for a Dense layer, else 'conv' (the keys of `learningRates` that name groups). */
  kind: 'conv' | 'fc';
  /** The monitored layer and every layer with weights that belongs to it, in model order. */
  members: tfl.layers.Layer[];
}

/** The layer whose output `layer` reads (the first one, for merges), or null at the model's input. */
function inboundLayer(layer: tfl.layers.Layer): tfl.layers.Layer | null {
  return layer.inboundNodes[0]?.inboundLayers[0] ?? null;
}

/**
 * One group per monitored layer (`monitored`, in model order). A layer with weights that is not monitored belongs to
 * the nearest monitored layer upstream of it, following each layer's (first) input: a batch norm to the convolution
 * it normalises, a shortcut's batch norm to the shortcut's convolution, an unmonitored convolution to the monitored
 * layer feeding it. One with no monitored layer upstream belongs to the first group.
 */
export function monitoredLayerGroups(model: tfl.LayersModel, monitored: readonly string[]): LayerGroup[] {
  const groups = new Map<string, LayerGroup>(
    monitored.map((name) => {
      const layer = model.getLayer(name);
      return [name, { layer: name, kind: layer.getClassName() === 'Dense' ? 'fc' : 'conv', members: [] }];
    }),
  );
  const first = groups.get(monitored[0]!)!;
  for (const layer of model.layers) {
    if (layer.weights.length === 0) {
      continue;
    }
    let owner: tfl.layers.Layer | null = layer;
    while (owner && !groups.has(owner.name)) {
      owner = inboundLayer(owner);
    }
    (owner ? groups.get(owner.name)! : first).members.push(layer);
  }
  return [...groups.values()];
}
