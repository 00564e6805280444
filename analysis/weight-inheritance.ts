// Paper §5.3 (Figures 3B, 3C): whether an important weight of the target model was inherited from the
// source model — the source neurons most similar to its ends are joined by an important source weight too.
import { TransferscopeError } from '../core/errors.ts';
import type { NeuronSimilarity } from './neuron-similarity.ts';

/** Weights n1 -> n2 by their ends, as `importantWeights` returns them. */
export interface WeightPairs {
  from: Int32Array;
  to: Int32Array;
}

export interface WeightInheritanceInput {
  /** Important weights of the target model between layer i and i+1. */
  targetWeights: WeightPairs;
  /** Important weights of the source model between the same layers. */
  sourceWeights: WeightPairs;
  /** S_{c,i} and S_{c,i+1} (source x target neurons) of the two layers. */
  fromSimilarity: NeuronSimilarity;
  toSimilarity: NeuronSimilarity;
}

/** One entry per target weight, in `targetWeights` order. */
export interface WeightInheritance {
  /** The source neuron most similar to each end (n1', n2'), or -1 when no source neuron is positively similar. */
  sourceFrom: Int32Array;
  sourceTo: Int32Array;
  /** Their similarities (0 where the neuron is -1). */
  fromSimilarity: Float32Array;
  toSimilarity: Float32Array;
  /** 1 when n1' -> n2' is an important source weight. */
  inherited: Uint8Array;
}

/**
 * For each important target weight n1 -> n2: n1' and n2', the source neurons most similar to its ends
 * (`mostSimilarSource`), and whether n1' -> n2' is among the important source weights. A maximum <= 0
 * means no source neuron's attributions point the same way, so nothing counts as inherited.
 */
export function weightInheritance(input: WeightInheritanceInput): WeightInheritance {
  const { targetWeights, sourceWeights, fromSimilarity, toSimilarity } = input;
  const n = targetWeights.from.length;
  if (targetWeights.to.length !== n || sourceWeights.to.length !== sourceWeights.from.length) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `weightInheritance: each weight list needs as many 'from' as 'to' ends (got ${n}/${targetWeights.to.length} and ${sourceWeights.from.length}/${sourceWeights.to.length}).`,
    );
  }
  const important = new Set(Array.from(sourceWeights.from, (f, j) => `${f}:${sourceWeights.to[j]}`));
  const result: WeightInheritance = {
    sourceFrom: new Int32Array(n),
    sourceTo: new Int32Array(n),
    fromSimilarity: new Float32Array(n),
    toSimilarity: new Float32Array(n),
    inherited: new Uint8Array(n),
  };
  for (let w = 0; w < n; w++) {
    const [f, fs] = mostSimilarSource(fromSimilarity, targetWeights.from[w]!);
    const [t, ts] = mostSimilarSource(toSimilarity, targetWeights.to[w]!);
    result.sourceFrom[w] = f;
    result.sourceTo[w] = t;
    result.fromSimilarity[w] = fs;
    result.toSimilarity[w] = ts;
    result.inherited[w] = f >= 0 && t >= 0 && important.has(`${f}:${t}`) ? 1 : 0;
  }
  return result;
}

/** Ties within this much count as equal similarity (float rounding of equal cosines). */
const SIMILARITY_TOLERANCE = 1e-6;

/**
 * argmax_s S[s, n] and its value, [-1, 0] when no source neuron is positively similar. Fine-tuning starts the
 * target model as a copy of the source model, so among equally similar source neurons (within float rounding)
 * the one target neuron n was copied from, source neuron n, is preferred; otherwise the lowest index wins.
 */
export function mostSimilarSource(similarity: NeuronSimilarity, targetNeuron: number): [number, number] {
  const { values, sourceNeurons, targetNeurons } = similarity;
  if (!Number.isInteger(targetNeuron) || targetNeuron < 0 || targetNeuron >= targetNeurons) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `weightInheritance: target neuron ${targetNeuron} is outside the similarity matrix's ${targetNeurons} target neurons.`,
    );
  }
  let best = -1;
  let bestValue = 0;
  for (let s = 0; s < sourceNeurons; s++) {
    const v = values[s * targetNeurons + targetNeuron]!;
    if (v > bestValue) {
      best = s;
      bestValue = v;
    }
  }
  const copied = targetNeuron < sourceNeurons ? values[targetNeuron * targetNeurons + targetNeuron]! : -Infinity;
  if (best >= 0 && copied >= bestValue - SIMILARITY_TOLERANCE) {
    return [targetNeuron, copied];
  }
  return [best, bestValue];
}
