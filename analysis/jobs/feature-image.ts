// `transferscope feature`: the feature visualisation of one neuron at a stored checkpoint, as a PNG.
// Tensor work, so the monitor runs it in a worker process (analysis/worker.ts).
import type { Phase } from '../../core/protocol.ts';
import { Store } from '../../store/store.ts';
import type { StorageOptions } from '../../store/storage-options.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { selectBackend, type BackendChoice } from '../../trainer/backend.ts';
import { architectureLayers, checkpointModel, runArchitecture } from './checkpoint-model.ts';
import { requireMonitoredLayer } from '../run-layers.ts';
import { featureVisualisation } from '../attribution/feature-visualisation.ts';
import { encodePng } from '../../lib/png/index.ts';

export interface FeatureImageRequest {
  db: string;
  storageOptions?: StorageOptions;
  runId: string;
  phase: Phase;
  epoch: number;
  layer: string;
  neuron: number;
  backend?: BackendChoice;
}

/** Validates a neuron index where it enters (CLI or URL); the layer is checked against the run's monitored layers later. */
export function parseNeuron(layer: string, neuron: string): { layer: string; neuron: number } {
  const n = Number(neuron);
  if (!Number.isInteger(n) || n < 0) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Invalid neuron '${neuron}': neurons are whole numbers from 0.`);
  }
  return { layer, neuron: n };
}

/** PNG bytes of the image that maximises `neuron` of `layer` in the checkpoint's model (seeded, so repeatable). */
export async function renderFeatureImage(request: FeatureImageRequest): Promise<Buffer> {
  const { layer, neuron } = parseNeuron(request.layer, String(request.neuron));
  const store = await Store.open(request.db, { storageOptions: request.storageOptions });
  try {
    const run = await store.getRun(request.runId);
    const architecture = await runArchitecture(store, run);
    requireMonitoredLayer(architectureLayers(architecture), layer);
    const weights = await store.getWeights({ runId: request.runId, phase: request.phase, epoch: request.epoch });
    await selectBackend(request.backend ?? 'auto');
    const model = await checkpointModel(architecture, run.classNames.length, weights);
    try {
      // The layer's output channels, not its bias: a convolution before batch norm has none.
      const units = (model.getLayer(layer).outputShape as number[]).at(-1) ?? 0;
      if (neuron >= units) {
        throw new TransferscopeError('INVALID_ARGUMENT', `Layer '${layer}' has ${units} neurons, so neuron ${neuron} does not exist (use 0-${units - 1}).`);
      }
      const rgb = await featureVisualisation(model, { layer, neuron, seed: neuron + 1 });
      const size = model.inputs[0]!.shape[1]!;
      return encodePng(rgb, size, size);
    } finally {
      model.dispose();
    }
  } finally {
    store.close();
  }
}
