// The instance view's per-checkpoint result (paper §5.2 with DeepVisualInsight's time travel): a t-SNE layout
// of the validation instances of both domains, as compact parallel arrays, and the numbers that say whether
// to trust it. Stored once per checkpoint; the browser only draws it.
import type { EpochRef } from './protocol.ts';

/**
 * Instances per row of GET …/instances/:split/atlas.png: instance i is the cell (i % 32, ⌊i / 32⌋). The
 * dashboard restates the value typed as this, so the two cannot disagree.
 */
export type InstanceAtlasColumns = 32;
export const INSTANCE_ATLAS_COLUMNS: InstanceAtlasColumns = 32;

/** `domain` values index this: 0 is the source domain's validation set, 1 the target domain's. */
export type InstanceDomains = ['source-validation', 'target-validation'];

/** Laid-out instances as parallel arrays: the part of a layout the instance view and the DVI projection share. */
export interface LaidOutInstances {
  /** Instances laid out; every array below has this length, in the same order at every checkpoint. */
  count: number;
  /** 0 = source-validation, 1 = target-validation. */
  domain: number[];
  /** Index of the instance within its validation split (as served by GET …/instances/:split/:index.png). */
  index: number[];
  /** True class. */
  label: number[];
  /** The checkpoint's model's prediction (the stored one of this epoch). */
  predicted: number[];
  /** Layout coordinates, rounded to 4 significant digits; t-SNE's are aligned to the previous checkpoint's layout. */
  x: number[];
  y: number[];
}

export interface InstanceProjection extends LaidOutInstances {
  /** The layer whose activations were embedded: the input of the first dense layer. */
  layer: string;
  /** Units of that layer, and the principal coordinates the affinities were computed in. */
  activationDimensions: number;
  principalDimensions: number;
  /** Share of the activations' variance the principal coordinates hold. */
  capturedVariance: number;
  /** At most this many instances per class and domain are laid out (the first ones in split order). */
  perClassCap: number;
  perplexity: number;
  learningRate: number;
  /** Neighbours compared by `neighbourPreservation`. */
  k: number;
  /** Mean share of each instance's k nearest activations that are among its k nearest on screen, in [0, 1]. */
  neighbourPreservation: number;
  /** Mean distance an instance moved since `warmStartedFrom`'s layout, in layout units; null for a cold start. */
  meanDisplacement: number | null;
  /** The checkpoint before this one (by step, across both phases); null for the run's first checkpoint. */
  previousCheckpoint: EpochRef | null;
  /** The checkpoint whose layout this one started from and is aligned to; null when it started cold. */
  warmStartedFrom: EpochRef | null;
  /** Wall time of this checkpoint's stage, and of its layout (PCA, neighbours, t-SNE, alignment, score) alone. */
  seconds: number;
  layoutSeconds: number;
}
