// Reduces one class's attributions of a layer, and the weights of a boundary, to the compact plain-number
// shapes of core/network-protocol.ts (paper §5.3, Figures 3 and 4). Pure: no tensors in here.
import type { LayerName } from '../core/protocol.ts';
import type { NetworkBoundaryAbstraction, NetworkLayerAbstraction, NetworkWeightList } from '../core/network-protocol.ts';
import { roundAll, roundSignificant } from './distribution.ts';
import { importantNeurons } from './important-neurons.ts';
import type { ImportantWeights } from './important-weights.ts';
import type { InstanceMatrix } from './network-matrix.ts';
import { neuronSimilarity, type NeuronSimilarity } from './neuron-similarity.ts';
import { mostSimilarNeurons, similarityRegions } from './similarity-regions.ts';
import { weightRegions } from './weight-regions.ts';
import { mostSimilarSource, weightInheritance } from './weight-inheritance.ts';

/** Peers kept per important neuron: the detail panel lists five (paper §5.3.3). */
const PEERS = 5;

/** What the boundaries of the same class need from each layer besides its stored abstraction. */
export interface LayerWork {
  abstraction: NetworkLayerAbstraction;
  similarity: NeuronSimilarity;
}

/**
 * Layer `name` of one class: S between the two models' conductances on the class's `rows`, each model's
 * important neurons, S's four regions and each important neuron's closest peers in the other model.
 */
export function abstractLayer(name: LayerName, source: InstanceMatrix, target: InstanceMatrix, rows: Int32Array): LayerWork {
  const similarity = neuronSimilarity(source, target, rows);
  const important = importantNeurons(target, { rows });
  const importantSource = importantNeurons(source, { rows });
  const regions = similarityRegions(similarity, importantSource.indices, important.indices);
  const best = Array.from({ length: target.neurons }, (_, n) => mostSimilarSource(similarity, n));
  const peers = (side: 'source' | 'target', neurons: Int32Array) =>
    Array.from(neurons, (n) => {
      const p = mostSimilarNeurons(similarity, side, n, PEERS);
      return { neurons: Array.from(p.neurons), values: roundAll(p.values) };
    });
  const { important: cells, ...histograms } = regions;
  return {
    similarity,
    abstraction: {
      layer: name,
      sourceNeurons: source.neurons,
      targetNeurons: target.neurons,
      importantNeurons: Array.from(important.indices),
      summedRanks: Array.from(important.summedRanks),
      importantSourceNeurons: Array.from(importantSource.indices),
      sourceSummedRanks: Array.from(importantSource.summedRanks),
      mostSimilarSource: best.map(([s]) => s),
      mostSimilarValue: best.map(([, v]) => roundSignificant(v)),
      importantSimilarity: roundAll(cells),
      similarityRegions: histograms,
      similarSources: peers('target', important.indices),
      similarTargets: peers('source', importantSource.indices),
    },
  };
}

/** The boundary from layer `from` to layer `to` of one class, from both models' important weights. */
export function abstractBoundary(from: LayerWork, to: LayerWork, target: ImportantWeights, source: ImportantWeights): NetworkBoundaryAbstraction {
  const inherited = inheritance(target, source, from.similarity, to.similarity);
  const regions = weightRegions({
    levels: target.meanLevels,
    inputs: target.inputs,
    outputs: target.outputs,
    importantFrom: from.abstraction.importantNeurons,
    importantTo: to.abstraction.importantNeurons,
    weights: { from: target.from, to: target.to, inherited: inherited.inherited },
  });
  const group = (g: (typeof regions.fromImportant)[number]) => ({ ...g, levels: g.levels && (roundAll(g.levels) as typeof g.levels) });
  return {
    fromLayer: from.abstraction.layer,
    toLayer: to.abstraction.layer,
    target: weightList(target),
    source: weightList(source),
    inheritance: inherited,
    regions: {
      fromImportant: regions.fromImportant.map(group),
      toImportant: regions.toImportant.map(group),
      otherOther: { ...regions.otherOther, min: roundSignificant(regions.otherOther.min), max: roundSignificant(regions.otherOther.max) },
      levelRange: roundAll(regions.levelRange) as [number, number],
    },
  };
}

function weightList(w: ImportantWeights): NetworkWeightList {
  return { from: Array.from(w.from), to: Array.from(w.to), count: Array.from(w.count) };
}

/** Paper §5.3: which important target weights the source model's important weights explain (`weightInheritance`). */
function inheritance(
  target: ImportantWeights,
  source: ImportantWeights,
  fromSimilarity: NeuronSimilarity,
  toSimilarity: NeuronSimilarity,
): NetworkBoundaryAbstraction['inheritance'] {
  const inherited = weightInheritance({ targetWeights: target, sourceWeights: source, fromSimilarity, toSimilarity });
  return {
    sourceFrom: Array.from(inherited.sourceFrom),
    sourceTo: Array.from(inherited.sourceTo),
    fromSimilarity: roundAll(inherited.fromSimilarity),
    toSimilarity: roundAll(inherited.toSimilarity),
    inherited: Array.from(inherited.inherited, (v) => v === 1),
  };
}
