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
  /** Absent means `live` (see AnalysisKey's AnalysisSettingsName; spelled out to keep this file free of imports). */
  settings?: 'live' | 'paper';
}

/** Counts of equal bins over [min, max] (the last bin includes max). */
export interface NetworkHistogram {
  min: number;
  max: number;
  counts: number[];
}

/** The neurons of the other model most similar to one neuron, most similar first. */
export interface NetworkPeers {
  neurons: number[];
  values: number[];
}

/**
 * Layer i of class c. Target neurons are channels (conv) or units (dense); S is source x target. Floats are
 * rounded to 4 significant digits: a result is stored for every checkpoint.
 */
export interface NetworkLayerAbstraction {
  layer: LayerName;
  /** Neurons of the source and the target layer (equal for a fine-tuned copy). */
  sourceNeurons: number;
  targetNeurons: number;
  /** The target model's important neurons, most important first (10% of the layer, at least 1). */
  importantNeurons: number[];
  /** Summed conductance rank of each of `importantNeurons`, same order. */
  summedRanks: number[];
  /** The source model's important neurons from its own conductances on the same instances, most important first. */
  importantSourceNeurons: number[];
  sourceSummedRanks: number[];
  /** Per target neuron: the most similar source neuron (-1 if none is positively similar) and S there. */
  mostSimilarSource: number[];
  mostSimilarValue: number[];
  /**
   * The important x important region of S: row r (importantNeurons.length values) belongs to
   * `importantSourceNeurons[r]`, column c to `importantNeurons[c]`.
   */
  importantSimilarity: number[];
  /** The other three regions of S as histograms over [-1, 1] (fixed bins). */
  similarityRegions: {
    importantSourceOther: NetworkHistogram;
    otherSourceImportant: NetworkHistogram;
    otherOther: NetworkHistogram;
  };
  /** Per important target neuron (same order): its five most similar source neurons. */
  similarSources: NetworkPeers[];
  /** Per important source neuron (same order): its five most similar target neurons. */
  similarTargets: NetworkPeers[];
}

/** Important weights n1 -> n2 between two layers, most important first (n1 is a channel for conv layers). */
export interface NetworkWeightList {
  from: number[];
  to: number[];
  /** Instances whose own top k held the weight. */
  count: number[];
}

/** The weights between one important neuron and every non-important neuron on the other side of a boundary. */
export interface NetworkWeightGroup {
  neuron: number;
  /**
   * Boxplot of their activated levels (a·W averaged over the class's instances): min, lower quartile, median,
   * upper quartile, max; null when the other side has no non-important neuron.
   */
  levels: [number, number, number, number, number] | null;
  weights: number;
  /** The pie: how many of them are important target weights, and how many of those were inherited. */
  important: number;
  inherited: number;
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
  /** The regions of Figure 4 besides important x important, by the target model's important neurons of both layers. */
  regions: {
    /** Per important neuron of `fromLayer` (importantNeurons order): its weights to the non-important neurons of `toLayer`. */
    fromImportant: NetworkWeightGroup[];
    /** Per important neuron of `toLayer`: the weights into it from the non-important neurons of `fromLayer`. */
    toImportant: NetworkWeightGroup[];
    /** Non-important to non-important: histogram of activated levels over the region's own range. */
    otherOther: NetworkHistogram & { weights: number; important: number; inherited: number };
    /** Smallest and largest activated level of the boundary's weights: the boxplots' common scale. */
    levelRange: [number, number];
  };
}

/**
 * Two consecutive monitored layers. `direct` when `toLayer` reads `fromLayer`'s output through batch norm,
 * activation, pooling, padding, dropout, flatten or global pooling only: then the weights of `toLayer`'s kernel
 * join their neurons one to one, and the pair has important weights, regions and inheritance (a boundary).
 * Otherwise the pair is compared by neuron similarity only and `reason` says why in one line.
 */
export interface NetworkLayerLink {
  fromLayer: LayerName;
  toLayer: LayerName;
  direct: boolean;
  /** Why not direct, e.g. "stage1_block2_conv1 reads a sum through a shortcut (Add 'stage1_block1_add'), not stage1_block1_conv2 alone". */
  reason?: string;
}

export interface NetworkClassAbstraction {
  classIndex: number;
  /** Indices (into the target-validation split) of the instances the class was abstracted from. */
  instances: number[];
  /** One per monitored layer, in model order (conv1..fc8 for AlexNet). */
  layers: NetworkLayerAbstraction[];
  /** One per direct link (`NetworkAbstraction.links`), in model order (conv1->conv2 .. fc7->fc8 for AlexNet). */
  boundaries: NetworkBoundaryAbstraction[];
}

/** How a stored result's conductances were integrated when a check was used; absent from plain and older results. */
export interface StepSchedule {
  /** The full steps (the paper's 50) an instance is attributed at when its check fails. */
  steps: number;
  checkSteps: number;
  /** Largest completeness residual kept at `checkSteps`, as a fraction of |F(x) - F(x')|. */
  tolerance: number;
  /** Instances attributed, and how many of them again at `steps`. */
  instances: number;
  refined: number;
}

export interface NetworkAbstraction {
  /** Conductance integration steps and the per-class instance cap used. */
  steps: number;
  maxPerClass: number;
  /** How `steps` was reached when through a completeness check (paper settings); absent: plain `steps`. */
  schedule?: StepSchedule;
  /** Wall-clock seconds the computation took. */
  seconds: number;
  /** One entry per class, in class order; a class without instances has empty lists. */
  classes: NetworkClassAbstraction[];
  /** The run's monitored layers in model order. Absent in results stored before models were: AlexNet's conv1..fc8. */
  layers?: LayerName[];
  /** One per consecutive pair of `layers`. Absent in older results: every AlexNet pair is direct. */
  links?: NetworkLayerLink[];
}

/** GET /api/runs/:id/epochs/:phase/:epoch/layers/:layer/weights?from=n1&to=n2: one weight of a checkpoint and its map. */
export interface WeightSliceResponse {
  runId: string;
  phase: Phase;
  epoch: number;
  /** The monitored layer whose kernel holds the weight, and the monitored layer before it (directly linked) that `from` is in. */
  layer: LayerName;
  fromLayer: LayerName;
  from: number;
  to: number;
  /** conv: the kh x kw kernel from input channel `from` to output channel `to`; flatten (a dense layer over a flattened
   * map, e.g. conv5 -> fc6): its weights from every position of channel `from` to unit `to`; dense (also after global
   * pooling): the single weight. */
  kind: 'conv' | 'flatten' | 'dense';
  rows: number;
  cols: number;
  /** rows x cols, row-major. */
  values: number[];
  /** Dense only: every weight into `to`, in `from` order (where this one stands among them); empty otherwise. */
  incoming: number[];
  /** Bias of neuron `to`; 0 for a layer without a bias. */
  bias: number;
}
