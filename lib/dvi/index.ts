// DeepVisualInsight (Yang et al., AAAI 2022) as a library: a parametric UMAP encoder/decoder per checkpoint fitted
// on instances plus mixup boundary points, warm-started across checkpoints, its boundary map and quality measures.
// Generic: typed arrays and classifier functions in, typed arrays out; it knows nothing of runs or checkpoints.
export { fuzzyGraph, fuzzyGraphFromNeighbours, type FuzzyGraph } from './fuzzy-graph.ts';
export { fitUmapCurve, type UmapCurve } from './umap-curve.ts';
export type { DenseWeights } from './dense-network.ts';
export {
  fitVisualisationModel,
  encode,
  decode,
  COLD_EPOCHS,
  WARM_EPOCHS,
  DEFAULT_HIDDEN,
  PREDICTION_WEIGHT,
  type RepresentationClassifier,
  type VisualisationModel,
  type VisualisationFit,
  type VisualisationFitOptions,
  type EpochLosses,
} from './visualisation-model.ts';
export { boundaryPoints, normalisedGap, type Classify, type BoundaryPoints, type BoundaryPointOptions } from './boundary-points.ts';
export {
  neighbourPreservation,
  boundaryNeighbourPreservation,
  predictionPreservation,
  temporalChange,
  temporalCorrelation,
  pearson,
  type TemporalChange,
} from './quality.ts';
export { boundaryMap, cellColour, hueColour, MAX_RESOLUTION, type BoundaryMap, type BoundaryMapOptions } from './boundary-map.ts';
