// Pure shaping of two checkpoints' feature analyses for compare mode (paper §5.4, side by side): each side's
// most discriminative neurons of a class, and which of them are top-ranked at one side only.
import type { FeatureClassAnalysis, FeatureNeuron } from '../../core/features-protocol.ts';
import { neuronId, sortNeurons } from './feature-model.ts';

/** How many of a side's neurons count as its top: the length of each side's list. */
export const TOP_NEURONS = 10;

/** The `k` neurons with the largest |weight| (ties in the server's order); a zero weight discriminates nothing. */
export function topNeurons(neurons: readonly FeatureNeuron[], k = TOP_NEURONS): FeatureNeuron[] {
  return sortNeurons(neurons, 'descending')
    .filter((n) => n.weight !== 0)
    .slice(0, k);
}

/** 1-based place of neuron `id` in `neurons` ranked by |weight|, null when it is not among them. */
export function discriminabilityRank(neurons: readonly FeatureNeuron[], id: string): number | null {
  const place = sortNeurons(neurons, 'descending').findIndex((n) => neuronId(n) === id);
  return place < 0 ? null : place + 1;
}

export interface OneSidedMark {
  badge: string;
  /** Where the neuron stands at the other side, for the row's tooltip. */
  title: string;
}

/**
 * The neurons in one side's top `k` but not in the other's, by `neuronId`, each with where it stands at the
 * other side (its rank there, or that it is not an important neuron of the class there at all).
 */
export function oneSidedTop(
  a: readonly FeatureNeuron[],
  b: readonly FeatureNeuron[],
  k = TOP_NEURONS,
): { a: Map<string, OneSidedMark>; b: Map<string, OneSidedMark> } {
  const topA = topNeurons(a, k).map(neuronId);
  const topB = topNeurons(b, k).map(neuronId);
  const marks = (top: string[], otherTop: string[], other: readonly FeatureNeuron[], side: 'A' | 'B', otherSide: 'A' | 'B') => {
    const otherSet = new Set(otherTop);
    return new Map(
      top
        .filter((id) => !otherSet.has(id))
        .map((id): [string, OneSidedMark] => {
          const rank = discriminabilityRank(other, id);
          const there = rank === null ? `not an important neuron of this class at ${otherSide}` : `rank ${rank} of ${other.length} at ${otherSide}`;
          return [id, { badge: `${side} only`, title: `In ${side}'s top ${k} by discriminability but not in ${otherSide}'s: ${there}.` }];
        }),
    );
  };
  return { a: marks(topA, topB, b, 'A', 'B'), b: marks(topB, topA, a, 'B', 'A') };
}

/** The class's analysis at one side, found by class index (classes are stored in class order). */
export function featureClass(classes: readonly FeatureClassAnalysis[], classIndex: number): FeatureClassAnalysis | null {
  return classes.find((c) => c.classIndex === classIndex) ?? null;
}
