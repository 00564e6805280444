// The typed contract of the network abstraction (paper §5.3, Figure 3): per class, the important neurons
// and weights of the target model, how alike its neurons are to the source model's, and which weights it
// inherited. Plain numbers and arrays only, so a result is stored and served as JSON unchanged.
import type { LayerName, Phase } from './protocol.ts';

/** The AnalysisKey of a network abstraction: it always compares the viewed checkpoint with a source checkpoint. */
export interface NetworkKey {
  runId: string;
  phase: Phase;
  epoch: number;
  referencePhase: Phase;
  referenceEpoch: number;
}

/** Layer i of class c. Target neurons are channels (conv) or units (dense); S is source x target. */
export interface NetworkLayerAbstraction {
  layer: LayerName;
  /** Neurons of the source and the target layer (equal for a fine-tuned copy). */
  sourceNeurons: number;
  targetNeurons: number;
  /** The target model's important neurons, most important first (10% of the layer, at least 1). */
  importantNeurons: number[];
  /** Summed conductance rank of each of `importantNeurons`, same order. */
  summedRanks: number[];
  /** Per target neuron: the most similar source neuron (-1 if none is positively similar) and S there. */
  mostSimilarSource: number[];
  mostSimilarValue: number[];
  /** S columns of the important neurons: row r (sourceNeurons values) belongs to `importantNeurons[r]`. */
  importantSimilarity: number[];
}

/** Important weights n1 -> n2 between two layers, most important first (n1 is a channel for conv layers). */
export interface NetworkWeightList {
  from: number[];
  to: number[];
  /** Instances whose own top k held the weight. */
  count: number[];
}

/** The boundary between layer i and layer i+1 of class c. */
export interface NetworkBoundaryAbstraction {
  fromLayer: LayerName;
  toLayer: LayerName;
  target: NetworkWeightList;
  source: NetworkWeightList;
  /** One entry per target weight, in `target` order: its ends' most similar source neurons and whether they are joined by an important source weight. */
  inheritance: {
    sourceFrom: number[];
    sourceTo: number[];
    fromSimilarity: number[];
    toSimilarity: number[];
    inherited: boolean[];
  };
}

export interface NetworkClassAbstraction {
  classIndex: number;
  /** Indices (into the target-validation split) of the instances the class was abstracted from. */
  instances: number[];
  /** conv1..fc8. */
  layers: NetworkLayerAbstraction[];
  /** conv1->conv2 .. fc7->fc8. */
  boundaries: NetworkBoundaryAbstraction[];
}

export interface NetworkAbstraction {
  /** Conductance integration steps and the per-class instance cap used. */
  steps: number;
  maxPerClass: number;
  /** Wall-clock seconds the computation took. */
  seconds: number;
  /** One entry per class, in class order; a class without instances has empty lists. */
  classes: NetworkClassAbstraction[];
}
