import { describe, expect, test } from 'vitest';
import type { FeatureNeuron } from '../../../core/features-protocol.ts';
import { discriminabilityRank, oneSidedTop, topNeurons } from '../../../dashboard/src/compare-features-model.ts';
import { neuronId } from '../../../dashboard/src/feature-model.ts';

const neuron = (layer: FeatureNeuron['layer'], index: number, weight: number): FeatureNeuron => ({
  layer,
  neuron: index,
  weight,
  source: [],
  target: [],
  axis: [0, 0],
});

describe('topNeurons', () => {
  test('largest |weight| first, ties in server order, zero weights never', () => {
    const neurons = [neuron('conv1', 0, 0.5), neuron('conv1', 1, -2), neuron('fc6', 2, 0), neuron('fc7', 3, 0.5), neuron('fc8', 4, 1)];
    expect(topNeurons(neurons, 3).map(neuronId)).toEqual(['conv1:1', 'fc8:4', 'conv1:0']);
    expect(topNeurons(neurons, 10).map(neuronId)).toEqual(['conv1:1', 'fc8:4', 'conv1:0', 'fc7:3']);
    expect(discriminabilityRank(neurons, 'fc7:3')).toBe(4);
    expect(discriminabilityRank(neurons, 'conv2:0')).toBeNull();
  });
});

describe('oneSidedTop', () => {
  // A's top 2: conv1:0, conv1:1. B's top 2: conv1:0, fc6:5; conv1:1 is third at B, fc6:5 is not important at A.
  const a = [neuron('conv1', 0, 3), neuron('conv1', 1, -2), neuron('fc6', 9, 1)];
  const b = [neuron('conv1', 0, 1), neuron('conv1', 1, 0.2), neuron('fc6', 5, -4)];

  test("flags neurons in one side's top only, saying where they stand at the other side", () => {
    const marks = oneSidedTop(a, b, 2);
    expect([...marks.a.keys()]).toEqual(['conv1:1']);
    expect([...marks.b.keys()]).toEqual(['fc6:5']);
    expect(marks.a.get('conv1:1')).toEqual({ badge: 'A only', title: "In A's top 2 by discriminability but not in B's: rank 3 of 3 at B." });
    expect(marks.b.get('fc6:5')?.title).toContain('not an important neuron of this class at A');
  });

  test('the same top on both sides flags nothing', () => {
    const marks = oneSidedTop(a, a, 2);
    expect(marks.a.size + marks.b.size).toBe(0);
  });
});
