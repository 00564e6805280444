// The DeepVisualInsight projection of a checkpoint (issue 14): a parametric layout of the validation instances of
// both domains, the decision boundaries under it as a map, and the figures that say whether to trust it. Stored
// once per checkpoint with the visualisation model, so the next checkpoint can warm-start from it.
import type { LaidOutInstances } from './instances-protocol.ts';
import type { EpochRef, Phase } from './protocol.ts';

/** The area a map covers, in layout units: image column 0 is minX, image row 0 is maxY (north up). */
export interface ProjectionBounds {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** DVI's quality measures (§5.2); shares in [0, 1], so "out of k" is the share times k. */
export interface ProjectionMetrics {
  k: number;
  /** Mean share of each instance's k nearest representations that stay among its k nearest on screen. */
  neighbourPreservation: number;
  /** The same, with neighbours taken among the boundary points; null when there are none. */
  boundaryNeighbourPreservation: number | null;
  /** Share of instances whose decoded encoding gets the checkpoint's prediction of the instance itself. */
  predictionPreservation: number;
  /** Pearson correlation of neighbour change and on-screen movement since the previous checkpoint; null for the first. */
  temporalCorrelation: number | null;
}

/** How the checkpoint's visualisation model was fitted. */
export interface ProjectionSettings {
  /** The representation: the layer laid out, and its width. */
  layer: string;
  dimensions: number;
  /** Hidden widths of the encoder (the decoder mirrors them). */
  hidden: number[];
  epochs: number;
  /** Weight of the temporal term; 0 when it was inactive (no previous model). */
  temporalWeight: number;
  /** The checkpoint whose model this one started from and was anchored to; null when it started cold. */
  warmStartedFrom: EpochRef | null;
  /** The checkpoint before this one (by step, across both phases); null for the run's first checkpoint. */
  previousCheckpoint: EpochRef | null;
  /**
   * Mean losses of the last epoch; `temporal` is 0 when the temporal term was inactive. `prediction` is the
   * cross-entropy of the head's classes of decoded rows against its classes of the rows themselves.
   */
  finalLosses: { total: number; umap: number; reconstruction: number; temporal: number; prediction: number };
  /** At most this many instances per class and domain (the first ones in split order). */
  perClassCap: number;
  /** Boundary points asked for (about one per ten instances) and found. */
  boundaryRequested: number;
  resolution: number;
  seed: number;
}

/** The boundary map: a PNG per checkpoint (served apart) and a coarse grid of class probabilities for clicks. */
export interface ProjectionMap {
  /** Cells per side of the PNG. */
  resolution: number;
  bounds: ProjectionBounds;
  /** Cells per side of `probabilities`, over the same bounds (cell centres, row 0 at maxY). */
  probabilityResolution: number;
  classCount: number;
  /**
   * probabilityResolution² x classCount class probabilities, row-major from the top row, each quantised to a byte
   * (p * 255 rounded) and base64-encoded: 25,000 values in 33 KB, where JSON numbers took ~125 KB.
   */
  probabilities: string;
}

/** A fitted visualisation model as stored: Float32 arrays as base64 of their little-endian bytes. */
export interface StoredVisualisationModel {
  dimensions: number;
  hidden: number[];
  center: string;
  scale: number;
  encoder: StoredDenseLayer[];
  decoder: StoredDenseLayer[];
}

export interface StoredDenseLayer {
  inputs: number;
  outputs: number;
  kernel: string;
  bias: string;
}

/** What GET …/projection answers: everything but the model's weights and the PNG; at most 1,500 instances. */
export interface ProjectionView extends LaidOutInstances {
  /** Boundary points: their layout positions, the two classes each lies between, and their normalised gap. */
  boundary: { count: number; x: number[]; y: number[]; classA: number[]; classB: number[]; gap: number[] };
  map: ProjectionMap;
  metrics: ProjectionMetrics;
  settings: ProjectionSettings;
  /** Wall time of the whole stage, and of the visualisation model's fit alone. */
  seconds: number;
  fitSeconds: number;
}

/** What the `projection` stage stores: the view plus what the next checkpoint and the PNG route need. */
export interface ProjectionAnalysis extends ProjectionView {
  model: StoredVisualisationModel;
  /** The boundary map's PNG, base64. */
  mapPng: string;
}

/** The served view of a stored projection: drops the weights and the PNG (tens of kilobytes each). */
export function projectionView(stored: ProjectionAnalysis): ProjectionView {
  const { model: _model, mapPng: _png, ...view } = stored;
  return view;
}

/** Training splits whose instances can be placed on a stored projection without refitting it. */
export const EXTRA_POINT_SETS = ['target-train', 'source-train'] as const;
export type ExtraPointSet = (typeof EXTRA_POINT_SETS)[number];

/**
 * GET /api/runs/:id/epochs/:phase/:epoch/projection/extra?set=target-train&classes=0,3 — instances the checkpoint's
 * visualisation model was not fitted on, placed by its stored encoder (DVI's encoder is parametric). Answered by an
 * analysis worker (a forward pass through the checkpoint and the encoder) and then from a bounded cache. The
 * projection itself is computed first when missing. `set` is one of EXTRA_POINT_SETS; `classes` is a comma list of
 * distinct class indices (each below the run's class count). Refused with 400 INVALID_ARGUMENT otherwise.
 */
export interface ExtraPointsResponse {
  runId: string;
  phase: Phase;
  epoch: number;
  set: ExtraPointSet;
  /** The classes asked for, ascending. */
  classes: number[];
  /** At most this many instances of each class (the first ones in the split's order). */
  perClassCap: number;
  /** Parallel arrays, one entry per placed instance, in split order: its index in the split, label, the checkpoint's prediction, position in the projection's layout units. */
  count: number;
  index: number[];
  label: number[];
  predicted: number[];
  x: number[];
  y: number[];
}
