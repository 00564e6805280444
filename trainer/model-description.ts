// What a run stores about its model besides weights: the tfjs Layers topology, the monitored layers and the
// representation layer, so analyses rebuild any model from a checkpoint (store `run_models`).
import type * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../core/errors.ts';
import type { RunModel } from '../store/schema/tables.ts';

/** Layer classes whose neurons are monitored by default (issue 13: every convolution and dense layer, in order). */
export const MONITORED_CLASSES: ReadonlySet<string> = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense']);
const REPRESENTATION_CLASSES: ReadonlySet<string> = new Set(['Flatten', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D']);

/**
 * The monitored layers of `model`: `monitor` in model order when given, else every Conv2D, DepthwiseConv2D,
 * SeparableConv2D and Dense layer in model order. Throws INVALID_ARGUMENT naming a listed layer that the model lacks
 * or that has no neurons to monitor, with the model's layers that can be.
 */
export function monitoredLayersOf(model: tfl.LayersModel, monitor?: readonly string[]): string[] {
  const monitorable = model.layers.filter((l) => MONITORED_CLASSES.has(l.getClassName())).map((l) => l.name);
  if (!monitor) {
    return monitorable;
  }
  for (const name of monitor) {
    if (!monitorable.includes(name)) {
      const layer = model.layers.find((l) => l.name === name);
      throw new TransferscopeError(
        'INVALID_ARGUMENT',
        `Cannot monitor layer '${name}': ${layer ? `it is a ${layer.getClassName()}` : `${model.name} has no layer of that name`}; list Conv2D, DepthwiseConv2D, SeparableConv2D or Dense layers of it (${monitorable.join(', ')}).`,
      );
    }
  }
  // Model order, whatever order the list has: freezeLayers counts the first n of them.
  return monitorable.filter((name) => monitor.includes(name));
}

/**
 * The topology of `model` and its monitored layers: `monitor` when given (each must be a monitored class), else every
 * Conv2D, DepthwiseConv2D, SeparableConv2D and Dense layer in model order. Throws INVALID_ARGUMENT naming a listed
 * layer that the model lacks or that has no neurons to monitor.
 */
export function describeModel(model: tfl.LayersModel, monitor?: readonly string[]): RunModel {
  const monitoredLayers = monitoredLayersOf(model, monitor);
  const representation = model.layers.filter((l) => REPRESENTATION_CLASSES.has(l.getClassName())).at(-1);
  return {
    topology: layerChainTopology(model) ?? (model.toJSON(null, false) as unknown as Record<string, unknown>),
    monitoredLayers,
    representationLayer: representation?.name ?? null,
  };
}

interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: unknown[][][];
}

/**
 * A Sequential topology for a model whose layers run one after another, else null. `fit` hands callbacks the
 * functional model inside a Sequential, whose layers the chain attributions (analysis/attribution) run one by one
 * only when the model is a Sequential again.
 */
function layerChainTopology(model: tfl.LayersModel): Record<string, unknown> | null {
  const json = model.toJSON(null, false) as unknown as { class_name: string; config: { name: string; layers: LayerJson[] } };
  if (json.class_name === 'Sequential') {
    return json as unknown as Record<string, unknown>;
  }
  const [input, ...layers] = json.config.layers;
  const inboundName = (layer: LayerJson) => (layer.inbound_nodes.length === 1 && layer.inbound_nodes[0]!.length === 1 ? layer.inbound_nodes[0]![0]![0] : null);
  const previous = (i: number) => (i === 0 ? input : layers[i - 1])?.config.name;
  if (input?.class_name !== 'InputLayer' || layers.length === 0 || layers.some((layer, i) => inboundName(layer) !== previous(i))) {
    return null;
  }
  const first = { ...layers[0]!, config: { ...layers[0]!.config, batch_input_shape: input.config.batch_input_shape } };
  return {
    ...json,
    class_name: 'Sequential',
    config: { name: json.config.name, layers: [first, ...layers.slice(1)].map(({ class_name, config }) => ({ class_name, config })) },
  };
}
