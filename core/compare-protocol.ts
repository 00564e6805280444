// The typed contract of checkpoint comparison: any two epochs, of one run or of two runs, side by side,
// and the per-layer weight drift of a run over its checkpoints.
import type { EpochRef, LayerName, Phase, ValidationSplit } from './protocol.ts';

/** One side of a comparison: an epoch of a run. */
export interface CheckpointId {
  runId: string;
  phase: Phase;
  epoch: number;
}

export interface CompareSide extends CheckpointId {
  step: number;
  checkpoint: boolean;
  configName: string;
}

/** One class on one validation split; classes of the two runs are matched by name. Accuracies in [0, 1]. */
export interface ClassAccuracyChange {
  className: string;
  split: ValidationSplit;
  /** Null where that side's run has no such class or no instances of it. */
  a: number | null;
  b: number | null;
  /** b - a, null when either is null. */
  delta: number | null;
}

export interface LayerChange {
  layer: LayerName;
  /** ||W_b - W_a|| / ||W_a|| (kernel and bias), null when the shapes differ. */
  relativeL2: number | null;
  /** Per-neuron cosine similarity of incoming weights, a vs b; null when the shapes differ. */
  neuronSimilarity: {
    median: number;
    min: number;
    /** Counts over NEURON_SIMILARITY_BINS equal bins of [-1, 1]. */
    histogram: number[];
    /** The neurons that changed most (lowest similarity first), at most 5. */
    leastSimilar: { neuron: number; similarity: number }[];
  } | null;
}

export const NEURON_SIMILARITY_BINS = 20;

/** GET /api/compare?a=RUN:PHASE:EPOCH&b=RUN:PHASE:EPOCH */
export interface CompareResponse {
  a: CompareSide;
  b: CompareSide;
  /** Overall accuracy per validation split, from each epoch's stored metrics. */
  overall: { split: ValidationSplit; a: number; b: number; delta: number }[];
  classes: ClassAccuracyChange[];
  /** Null (with `layersUnavailable` saying why) unless both sides are checkpoints of the same architecture. */
  layers: LayerChange[] | null;
  layersUnavailable: string | null;
}

/** Changes of one set (important neurons of a layer, or important weights of a boundary) from a to b. */
export interface SetChange<T> {
  kept: T[];
  added: T[];
  removed: T[];
}

/** GET /api/compare/important?a=…&b=…: how each class's important neurons and weights changed from a to b. */
export interface ImportantChangesResponse {
  a: CheckpointId;
  b: CheckpointId;
  /** The settings of a's and b's network abstractions: equal unless the request passed `mixed=1`. */
  settings: { a: 'live' | 'paper'; b: 'live' | 'paper' };
  /** Classes matched by name across the two runs, in b's class order. */
  classes: {
    className: string;
    layers: { layer: LayerName; neurons: SetChange<number> }[];
    /** Weights as "from>to" neuron pairs. */
    boundaries: { fromLayer: LayerName; toLayer: LayerName; weights: SetChange<string> }[];
  }[];
}

/** GET /api/runs/:id/weight-drift: per target checkpoint, each layer's relative L2 distance from the source model. */
export interface WeightDriftResponse {
  runId: string;
  /** The final source checkpoint the fine-tuned weights are measured from; null before one exists. */
  reference: EpochRef | null;
  checkpoints: { at: EpochRef; layers: { layer: LayerName; relativeL2: number | null }[] }[];
}
