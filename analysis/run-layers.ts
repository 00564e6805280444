// A run's monitored layers and the links between them, by the model's own names: from the run's stored model
// (`run_models`), or AlexNet's conv1..fc8 for runs stored before models were. No tfjs: the monitor reads these.
import { TransferscopeError } from '../core/errors.ts';
import { clip } from '../core/params.ts';
import type { NetworkLayerLink } from '../core/network-protocol.ts';
import type { Store } from '../store/store.ts';
import type { RunModel } from '../store/schema/tables.ts';
import { ALEXNET_LAYERS } from '../trainer/alexnet-layers.ts';
import { chainLinks, layerClasses, layerLinks } from './layer-links.ts';

export interface RunLayers {
  /** Monitored layers in model order. */
  layers: string[];
  /** One per consecutive pair of `layers`. */
  links: NetworkLayerLink[];
  /** Each monitored layer's neurons as its kernel shape says (a depthwise kernel [kh, kw, in, m] has in * m). */
  neurons: (layer: string, kernelShape: readonly number[]) => number;
}

/** Neurons of a layer of class `className` with a kernel of `kernelShape`: its last axis, or in * m for a depthwise kernel. */
export function kernelNeurons(className: string | undefined, kernelShape: readonly number[]): number {
  return className === 'DepthwiseConv2D' ? (kernelShape[2] ?? 0) * (kernelShape[3] ?? 0) : (kernelShape.at(-1) ?? 0);
}

/** The monitored layers and links of a stored model; null (no `run_models` row) means an AlexNet run. */
export function modelLayers(model: RunModel | null): RunLayers {
  if (!model) {
    return { layers: [...ALEXNET_LAYERS], links: chainLinks(ALEXNET_LAYERS), neurons: (_, shape) => kernelNeurons('Conv2D', shape) };
  }
  const classes = layerClasses(model.topology);
  return {
    layers: [...model.monitoredLayers],
    links: layerLinks(model.topology, model.monitoredLayers),
    neurons: (layer, shape) => kernelNeurons(classes.get(layer), shape),
  };
}

// A stored model never changes, so its layers are kept per store; a run without one may still get one (the first
// phase writes it just after the run row), so that answer is not kept.
const known = new WeakMap<Store, Map<string, RunLayers>>();

/** The monitored layers and links of run `runId` (see `modelLayers`). */
export async function readRunLayers(store: Store, runId: string): Promise<RunLayers> {
  const runs = known.get(store) ?? new Map<string, RunLayers>();
  known.set(store, runs);
  const held = runs.get(runId);
  if (held) {
    return held;
  }
  const model = await store.getRunModel(runId);
  const layers = modelLayers(model);
  if (model) {
    runs.set(runId, layers);
  }
  return layers;
}

/** Throws INVALID_ARGUMENT (one line listing the run's monitored layers) unless `layer` is one of them. */
export function requireMonitoredLayer(run: RunLayers, layer: string): void {
  if (!run.layers.includes(layer)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Unknown layer '${clip(layer)}': this run's monitored layers are ${run.layers.join(', ')}.`);
  }
}
