// The typed contract of the feature view's analysis (paper §5.4, Algorithm 1): per class, how well the
// important neurons' Layer Conductance tells source instances from target instances. Plain JSON, compact.
import type { LayerName } from './protocol.ts';
import type { StepSchedule } from './network-protocol.ts';

/** Histogram bins over the scaled conductance range [−1, 1]; bin b covers [−1 + b·w, −1 + (b + 1)·w), w = 2 / bins. */
export const FEATURE_HISTOGRAM_BINS = 16;

/** One important neuron of the class, as the SVM saw it (its conductance scaled to [−1, 1] over both domains). */
export interface FeatureNeuron {
  layer: LayerName;
  /** Channel (conv) or unit (dense) index within the layer. */
  neuron: number;
  /** The linear SVM's weight: positive = high values mean source-like; |weight| = domain discriminability. */
  weight: number;
  /** Counts of the source and of the target instances per bin (FEATURE_HISTOGRAM_BINS each). */
  source: number[];
  target: number[];
  /** Biplot arrow: the neuron's loading on the plot's x (unit normal) and y (orthonormalised PC1) axes. */
  axis: [number, number];
}

export interface FeatureClassAnalysis {
  classIndex: number;
  /** Indices into the source-validation and target-validation splits of the instances used, in row order. */
  sourceInstances: number[];
  targetInstances: number[];
  /** The target model's important neurons of the class over conv1..fc8 (10% of each layer), in layer order, most important first within a layer. */
  neurons: FeatureNeuron[];
  /** Mean held-out accuracy of the domain classifier over the folds; null when a domain has too few instances. */
  cvAccuracy: number | null;
  /** Folds actually used (10, or fewer when there are fewer instances). */
  folds: number;
  /** Discriminability plot: x (along the SVM's unit normal) and y (along the orthonormalised PC1) of every
   * instance, the source rows (`sourceInstances` order) first, then the target rows. */
  x: number[];
  y: number[];
  /** x of the vertical decision boundary; null without a classifier (w = 0 or no instances). */
  boundaryX: number | null;
}

export interface FeaturesAnalysis {
  /** Conductance integration steps, instances per domain and class cap, SVM C. */
  steps: number;
  maxPerClass: number;
  /** How `steps` was reached when through a completeness check (paper settings); absent: plain `steps`. */
  schedule?: StepSchedule;
  C: number;
  /** Wall-clock seconds the computation took (conductance + SVMs). */
  seconds: number;
  /** One entry per class, in class order. */
  classes: FeatureClassAnalysis[];
}
