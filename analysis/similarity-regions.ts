// Paper §5.3.3, Figure 4: a layer's similarity matrix S (source x target neurons) split by importance into
// four regions (important x important as cells, the other three as histograms), and a neuron's closest peers.
import { TransferscopeError } from '../core/errors.ts';
import { histogram, type Histogram } from './distribution.ts';
import type { NeuronSimilarity } from './neuron-similarity.ts';

export interface SimilarityRegions {
  /** S[importantSource[r], importantTarget[c]] at r * importantTarget.length + c. */
  important: Float32Array;
  /** Important source rows x the other target columns. */
  importantSourceOther: Histogram;
  /** The other source rows x important target columns. */
  otherSourceImportant: Histogram;
  otherOther: Histogram;
}

/** Bins over [-1, 1] of the region histograms (0.1 wide): fixed, so histograms compare across layers and epochs. */
export const SIMILARITY_BINS = 20;

/**
 * Splits S by the source model's and the target model's important neurons of the layer (each the model's own,
 * from its own conductances). A region without cells gets a histogram of zeros.
 */
export function similarityRegions(
  similarity: NeuronSimilarity,
  importantSource: ArrayLike<number>,
  importantTarget: ArrayLike<number>,
  bins = SIMILARITY_BINS,
): SimilarityRegions {
  const { values, sourceNeurons, targetNeurons } = similarity;
  const sourceSet = neuronSet(importantSource, sourceNeurons, 'source');
  const targetSet = neuronSet(importantTarget, targetNeurons, 'target');
  const important = new Float32Array(importantSource.length * importantTarget.length);
  for (let r = 0; r < importantSource.length; r++) {
    for (let c = 0; c < importantTarget.length; c++) {
      important[r * importantTarget.length + c] = values[importantSource[r]! * targetNeurons + importantTarget[c]!]!;
    }
  }
  // One pass over S, each cell into its region (0: important source x other target, 1: other x important, 2: other x other).
  const regionValues = [
    new Float64Array(sourceSet.size * (targetNeurons - targetSet.size)),
    new Float64Array((sourceNeurons - sourceSet.size) * targetSet.size),
    new Float64Array((sourceNeurons - sourceSet.size) * (targetNeurons - targetSet.size)),
  ] as const;
  const filled = [0, 0, 0];
  for (let s = 0; s < sourceNeurons; s++) {
    const sourceImportant = sourceSet.has(s);
    for (let t = 0; t < targetNeurons; t++) {
      const targetImportant = targetSet.has(t);
      if (sourceImportant && targetImportant) {
        continue;
      }
      const region = sourceImportant ? 0 : targetImportant ? 1 : 2;
      regionValues[region][filled[region]!++] = values[s * targetNeurons + t]!;
    }
  }
  return {
    important,
    importantSourceOther: histogram(regionValues[0], -1, 1, bins),
    otherSourceImportant: histogram(regionValues[1], -1, 1, bins),
    otherOther: histogram(regionValues[2], -1, 1, bins),
  };
}

export interface SimilarNeurons {
  neurons: Int32Array;
  values: Float32Array;
}

/**
 * The `k` neurons of the other model most similar to `neuron` of model `side`: for a target neuron, source
 * neurons (a column of S); for a source neuron, target neurons (a row). Most similar first; among equal
 * values the neuron with the same index comes first (fine-tuning starts from a copy), then lower indices.
 */
export function mostSimilarNeurons(similarity: NeuronSimilarity, side: 'source' | 'target', neuron: number, k = 5): SimilarNeurons {
  const { values, sourceNeurons, targetNeurons } = similarity;
  const own = side === 'source' ? sourceNeurons : targetNeurons;
  const other = side === 'source' ? targetNeurons : sourceNeurons;
  if (!Number.isInteger(neuron) || neuron < 0 || neuron >= own) {
    throw new TransferscopeError('INVALID_ARGUMENT', `mostSimilarNeurons: ${side} neuron ${neuron} is outside the layer's ${own} ${side} neurons.`);
  }
  const value = (n: number): number => (side === 'source' ? values[neuron * targetNeurons + n]! : values[n * targetNeurons + neuron]!);
  const order = Array.from({ length: other }, (_, n) => n)
    .sort((a, b) => value(b) - value(a) || Number(b === neuron) - Number(a === neuron) || a - b)
    .slice(0, Math.max(0, k));
  return { neurons: Int32Array.from(order), values: Float32Array.from(order, value) };
}

function neuronSet(neurons: ArrayLike<number>, size: number, side: string): Set<number> {
  const set = new Set<number>();
  for (let i = 0; i < neurons.length; i++) {
    const n = neurons[i]!;
    if (!Number.isInteger(n) || n < 0 || n >= size || set.has(n)) {
      throw new TransferscopeError(
        'INVALID_ARGUMENT',
        `similarityRegions: important ${side} neuron ${n} at position ${i} is repeated or outside the layer's ${size} neurons.`,
      );
    }
    set.add(n);
  }
  return set;
}
