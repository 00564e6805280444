// Which model a run's checkpoints belong to, and that model rebuilt with a checkpoint's weights: AlexNet from the
// run's config for built-in AlexNet runs, the stored Layers topology for every other run.
import * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../../core/errors.ts';
import { PAPER_MAX_PER_CLASS } from '../../core/analysis-settings.ts';
import type { RunMeta } from '../../core/protocol.ts';
import type { Store } from '../../store/store.ts';
import type { LayerWeights, RunModel } from '../../store/schema/tables.ts';
import { isAlexNetVariant, validateConfig, type ModelVariant } from '../../trainer/config.ts';
import { writeModelWeights } from '../../trainer/layer-weights.ts';
import { modelFromWeights } from './network-abstraction.ts';
import { modelLayers, type RunLayers } from '../run-layers.ts';

/** A built-in AlexNet variant, or a stored model of any topology. */
export type ModelArchitecture = ModelVariant | RunModel;

/** Whether a run's stored config is a `recordTransfer` run's (it has no config file of ours). */
export function isRecordedRun(meta: Pick<RunMeta, 'config'>): boolean {
  const config = meta.config as { recordedBy?: unknown } | null;
  return typeof config === 'object' && config !== null && config.recordedBy === 'recordTransfer';
}

/** The model of run `meta`: its config's AlexNet, or the topology stored with the run. */
export async function runArchitecture(store: Store, meta: RunMeta): Promise<ModelArchitecture> {
  if (!isRecordedRun(meta)) {
    const { model } = validateConfig(meta.config, `run '${meta.id}'`);
    // Built-in ResNet/MobileNet and imported networks are rebuilt from their stored topology, as recorded runs are.
    if (isAlexNetVariant(model)) {
      return model;
    }
  }
  const stored = await store.getRunModel(meta.id);
  if (!stored) {
    throw new TransferscopeError('RUN_NOT_FOUND', `Run '${meta.id}' was recorded without its model, so its checkpoints cannot be analysed; record it again.`);
  }
  return stored;
}

/** The paper settings' cap on instances per class: the run's config's, or the default for a recorded run (no config). */
export function runPaperMaxPerClass(meta: RunMeta): number {
  return isRecordedRun(meta) ? PAPER_MAX_PER_CLASS : validateConfig(meta.config, `run '${meta.id}'`).paperMaxPerClass;
}

/** The model of `architecture` holding a checkpoint's weights (every stored layer). Dispose it after use. */
export async function checkpointModel(architecture: ModelArchitecture, classCount: number, weights: LayerWeights[]): Promise<tfl.LayersModel> {
  if (typeof architecture === 'string') {
    return modelFromWeights(architecture, classCount, weights);
  }
  // The topology is `model.toJSON(null, false)`'s own output, stored as JSON: what modelFromJSON reads.
  const model = await tfl.models.modelFromJSON({ modelTopology: architecture.topology } as unknown as Parameters<typeof tfl.models.modelFromJSON>[0]);
  try {
    writeModelWeights(model, weights);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

/** The layer whose output the instance and projection views embed; throws when a recorded model has none. */
export function representationLayer(architecture: ModelArchitecture): string {
  if (typeof architecture === 'string') {
    return 'flatten';
  }
  if (architecture.representationLayer === null) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      'This run has no representation to lay out: its model has no Flatten or GlobalAveragePooling2D layer before the classifier.',
    );
  }
  return architecture.representationLayer;
}

/** Whether the model's layers run one after another (a Sequential model) (the projection runs the layers after the representation one by one). */
export function isLayerChain(architecture: ModelArchitecture): boolean {
  return typeof architecture === 'string' || architecture.topology.class_name === 'Sequential';
}

/** The monitored layers of `architecture` and the links between them: AlexNet's conv1..fc8, or the stored model's. */
export function architectureLayers(architecture: ModelArchitecture): RunLayers {
  return modelLayers(typeof architecture === 'string' ? null : architecture);
}
