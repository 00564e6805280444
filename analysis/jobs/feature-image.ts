// `transferscope feature`: the feature visualisation of one neuron at a stored checkpoint, as a PNG.
// Tensor work, so the monitor runs it in a worker process (analysis/worker.ts).
import { LAYER_NAMES, type LayerName, type Phase } from '../../core/protocol.ts';
import { Store } from '../../store/store.ts';
import type { StorageOptions } from '../../store/storage-options.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { selectBackend, type BackendChoice } from '../../trainer/backend.ts';
import { checkpointModel, requireAlexNetLayers, runArchitecture } from './checkpoint-model.ts';
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

/** Validates a layer name and neuron index where they enter (CLI or URL). */
export function parseNeuron(layer: string, neuron: string): { layer: LayerName; neuron: number } {
  if (!(LAYER_NAMES as readonly string[]).includes(layer)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Unknown layer '${layer}': use one of ${LAYER_NAMES.join(', ')}.`);
  }
  const n = Number(neuron);
  if (!Number.isInteger(n) || n < 0) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Invalid neuron '${neuron}': neurons are whole numbers from 0.`);
  }
  return { layer: layer as LayerName, neuron: n };
}

/** PNG bytes of the image that maximises `neuron` of `layer` in the checkpoint's model (seeded, so repeatable). */
export async function renderFeatureImage(request: FeatureImageRequest): Promise<Buffer> {
  const { layer, neuron } = parseNeuron(request.layer, String(request.neuron));
  const store = await Store.open(request.db, { storageOptions: request.storageOptions });
  try {
    const run = await store.getRun(request.runId);
    const architecture = await runArchitecture(store, run);
    requireAlexNetLayers(architecture, 'feature image');
    const weights = await store.getWeights({ runId: request.runId, phase: request.phase, epoch: request.epoch });
    const units = weights.find((w) => w.layer === layer)?.bias.length ?? 0;
    if (neuron >= units) {
      throw new TransferscopeError('INVALID_ARGUMENT', `Layer '${layer}' has ${units} neurons, so neuron ${neuron} does not exist (use 0-${units - 1}).`);
    }
    await selectBackend(request.backend ?? 'auto');
    const model = await checkpointModel(architecture, run.classNames.length, weights);
    try {
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
