// Arrow schemas of the LanceDB tables and the row types the store hands out.
// Layout: one row per (run, phase, epoch) in `epochs`, so "series over all epochs" is one filtered scan;
// per-epoch bulk data (predictions, weights) sits in tables keyed by the same (run, phase, epoch),
// so "everything about run R at epoch E" is one equality filter per table.
import { arrow } from './arrow.ts';
import { analysisSchema } from './analysis-table.ts';
import { heartbeatsSchema, optimizerStatesSchema } from './recovery-tables.ts';

const { Field, Float32, Float64, Int32, List, Schema, Utf8, Bool, Binary, Int16 } = arrow;
import type { LayerName, Phase, ValidationSplit } from '../../core/protocol.ts';

const listOf = (name: string, type: InstanceType<typeof Float32 | typeof Int32 | typeof Int16>) => new List(new Field(name, type, false));

/** One row per run; `meta_json` holds the full RunMeta, the other columns are for filtering. */
export const runsSchema = new Schema([
  new Field('id', new Utf8(), false),
  new Field('status', new Utf8(), false),
  new Field('created_at', new Float64(), false),
  new Field('updated_at', new Float64(), false),
  new Field('meta_json', new Utf8(), false),
]);

/**
 * One row per committed epoch. Written last for its epoch: a row here is the commit marker that makes
 * that epoch's predictions and weights visible to readers.
 */
export const epochsSchema = new Schema([
  new Field('run_id', new Utf8(), false),
  new Field('phase', new Utf8(), false),
  new Field('epoch', new Int32(), false),
  new Field('step', new Int32(), false),
  new Field('loss', new Float64(), false),
  new Field('acc_source_train', new Float64(), false),
  new Field('acc_target_train', new Float64(), false),
  new Field('acc_source_validation', new Float64(), false),
  new Field('acc_target_validation', new Float64(), false),
  new Field('train_seconds', new Float64(), false),
  new Field('train_images_per_second', new Float64(), false),
  new Field('checkpoint', new Bool(), false),
  new Field('committed_at', new Float64(), false),
]);

/** Predicted class of every instance of one validation split, in instance order. */
export const predictionsSchema = new Schema([
  new Field('run_id', new Utf8(), false),
  new Field('phase', new Utf8(), false),
  new Field('epoch', new Int32(), false),
  new Field('split', new Utf8(), false),
  new Field('predicted', listOf('item', new Int16()), false),
]);

/** One row per layer of a checkpoint: the kernel and bias, flattened row-major in tfjs order. */
export const weightsSchema = new Schema([
  new Field('run_id', new Utf8(), false),
  new Field('phase', new Utf8(), false),
  new Field('epoch', new Int32(), false),
  new Field('layer', new Utf8(), false),
  new Field('kernel_shape', listOf('item', new Int32()), false),
  new Field('kernel', listOf('item', new Float32()), false),
  new Field('bias', listOf('item', new Float32()), false),
]);

/** The validation instances of a run (labels and 8-bit RGB pixels), so views can show the images. */
export const instancesSchema = new Schema([
  new Field('run_id', new Utf8(), false),
  new Field('split', new Utf8(), false),
  new Field('index', new Int32(), false),
  new Field('label', new Int32(), false),
  new Field('height', new Int32(), false),
  new Field('width', new Int32(), false),
  new Field('pixels', new Binary(), false),
]);

/**
 * A checkpoint model's Layer Conductance on a fixed selection of instances, one row per layer, so every analysis
 * that compares with this checkpoint reuses it: the final source model is the reference of every target
 * checkpoint. `setting` names the instances and the path (see ConductanceKey).
 */
export const conductancesSchema = new Schema([
  new Field('run_id', new Utf8(), false),
  new Field('phase', new Utf8(), false),
  new Field('epoch', new Int32(), false),
  new Field('setting', new Utf8(), false),
  new Field('layer', new Utf8(), false),
  new Field('neurons', new Int32(), false),
  new Field('values', listOf('item', new Float32()), false),
]);

/**
 * One row per run: the model's topology (the tfjs Layers JSON, as `model.toJSON()` writes it) and the layers it is
 * monitored by, so analyses can rebuild any model from a checkpoint's weights, not only AlexNet.
 */
export const runModelsSchema = new Schema([
  new Field('run_id', new Utf8(), false),
  new Field('topology_json', new Utf8(), false),
  new Field('monitored_json', new Utf8(), false),
]);

export const TABLE_SCHEMAS = {
  runs: runsSchema,
  epochs: epochsSchema,
  predictions: predictionsSchema,
  weights: weightsSchema,
  instances: instancesSchema,
  analyses: analysisSchema,
  conductances: conductancesSchema,
  heartbeats: heartbeatsSchema,
  optimizer_states: optimizerStatesSchema,
  run_models: runModelsSchema,
} as const;
export type TableName = keyof typeof TABLE_SCHEMAS;

export interface LayerWeights {
  layer: LayerName;
  kernelShape: number[];
  kernel: Float32Array;
  bias: Float32Array;
}

/** A run's model as `run_models` keeps it. */
export interface RunModel {
  /** The tfjs Layers topology (`model.toJSON(null, false)`, Keras' snake_case JSON): what `modelFromJSON` rebuilds. */
  topology: Record<string, unknown>;
  /** The layers whose neurons the analyses look at (Conv2D, DepthwiseConv2D, SeparableConv2D and Dense, in order). */
  monitoredLayers: string[];
  /** The layer whose output is the instance view's representation (the last Flatten or global pooling), or null. */
  representationLayer: string | null;
}

/** One layer's conductances at a checkpoint: instances x neurons, instance-major, in the setting's instance order. */
export interface StoredConductance {
  layer: LayerName;
  neurons: number;
  values: Float32Array;
}

export interface ConductanceKey extends EpochKey {
  /** Which instances and path, e.g. `network:steps=8:perClass=20`; conductances of other settings never mix. */
  setting: string;
}

export interface SplitPredictions {
  split: ValidationSplit;
  predicted: Int16Array;
}

export interface StoredInstances {
  split: ValidationSplit;
  labels: Int32Array;
  height: number;
  width: number;
  /** count * height * width * 3 bytes, RGB; with `pixelRows`, only those rows' bytes, in that order. */
  pixels: Uint8Array;
  /**
   * Ascending rows that carry pixels, when not all do (large-image runs keep a few per class). On
   * writing only; `getInstances` reads rows stored without pixels back as zeros and lists them in `withoutPixels`.
   */
  pixelRows?: Int32Array;
  /** On reading: ascending rows stored without pixels (their bytes in `pixels` are zeros); absent when none. */
  withoutPixels?: Int32Array;
}

export interface EpochKey {
  runId: string;
  phase: Phase;
  epoch: number;
}
