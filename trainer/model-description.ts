// What a run stores about its model besides weights: the tfjs Layers topology, the monitored layers and the
// representation layer, so analyses rebuild any model from a checkpoint (store `run_models`).
import type * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../core/errors.ts';
import type { RunModel } from '../store/schema/tables.ts';

/** Layer classes whose neurons are monitored by default (issue 13: every convolution and dense layer, in order). */
export const MONITORED_CLASSES: ReadonlySet<string> = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense']);
const REPRESENTATION_CLASSES: ReadonlySet<string> = new Set(['Flatten', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D']);

/**
 * The topology of `model` and its monitored layers: `monitor` when given (each must be a monitored class), else every
 * Conv2D, DepthwiseConv2D, SeparableConv2D and Dense layer in model order. Throws INVALID_ARGUMENT naming a listed
 * layer that the model lacks or that has no neurons to monitor.
 */
export function describeModel(model: tfl.LayersModel, monitor?: readonly string[]): RunModel {
  const monitoredLayers = monitor
    ? monitor.map((name) => {
        const layer = model.layers.find((l) => l.name === name);
        if (!layer || !MONITORED_CLASSES.has(layer.getClassName())) {
          throw new TransferscopeError(
            'INVALID_ARGUMENT',
            `Cannot monitor layer '${name}': ${layer ? `it is a ${layer.getClassName()}` : 'the model has no layer of that name'}. List Conv2D, DepthwiseConv2D, SeparableConv2D or Dense layers (${model.layers
              .filter((l) => MONITORED_CLASSES.has(l.getClassName()))
              .map((l) => l.name)
              .join(', ')}).`,
          );
        }
        return name;
      })
    : model.layers.filter((l) => MONITORED_CLASSES.has(l.getClassName())).map((l) => l.name);
  const representation = model.layers.filter((l) => REPRESENTATION_CLASSES.has(l.getClassName())).at(-1);
  return {
    topology: model.toJSON(null, false) as unknown as Record<string, unknown>,
    monitoredLayers,
    representationLayer: representation?.name ?? null,
  };
}
