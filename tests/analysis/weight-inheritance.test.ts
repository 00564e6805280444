import { describe, expect, it } from 'vitest';
import { weightInheritance } from '../../analysis/weight-inheritance.ts';

const pairs = (list: [number, number][]) => ({ from: Int32Array.from(list, (p) => p[0]), to: Int32Array.from(list, (p) => p[1]) });

describe('weightInheritance', () => {
  // Layer i: target 0 is most like source 0, target 1 like source 1.
  const fromSimilarity = { values: Float32Array.from([0.9, 0.1, 0.2, 0.8]), sourceNeurons: 2, targetNeurons: 2 };
  // Layer i+1 (3 source x 3 target): target 0 ~ source 1, target 1 ~ source 0, target 2 like no source neuron.
  const toSimilarity = { values: Float32Array.from([0.1, 0.7, -0.1, 0.95, 0.2, 0, 0.3, -0.1, -0.5]), sourceNeurons: 3, targetNeurons: 3 };
  const sourceWeights = pairs([
    [0, 1],
    [1, 0],
  ]);

  it('maps each end to its most similar source neuron and looks the source weight up', () => {
    const result = weightInheritance({
      targetWeights: pairs([
        [0, 0],
        [1, 1],
        [0, 1],
        [1, 0],
        [0, 2],
      ]),
      sourceWeights,
      fromSimilarity,
      toSimilarity,
    });
    expect(Array.from(result.sourceFrom)).toEqual([0, 1, 0, 1, 0]);
    expect(Array.from(result.sourceTo)).toEqual([1, 0, 0, 1, -1]);
    expect(Array.from(result.inherited)).toEqual([1, 1, 0, 0, 0]);
    expect(Array.from(result.fromSimilarity)).toEqual([0.9, 0.8, 0.9, 0.8, 0.9].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(result.toSimilarity)).toEqual([0.95, 0.7, 0.7, 0.95, 0].map((v) => expect.closeTo(v, 6)));
  });

  it('prefers the source neuron a target neuron was copied from among equally similar ones, else the lowest index', () => {
    // Target neuron 1 is equally similar to source 0 and source 1 (its copy); target neuron 2 has no copy.
    const tied = { values: Float32Array.from([0.5, 0.9, 0.6, 0.5, 0.9 - 1e-8, 0.6, 0.1, 0.2, 0.3]), sourceNeurons: 3, targetNeurons: 3 };
    const result = weightInheritance({
      targetWeights: pairs([
        [1, 1],
        [2, 2],
      ]),
      sourceWeights,
      fromSimilarity: tied,
      toSimilarity: tied,
    });
    expect(Array.from(result.sourceFrom)).toEqual([1, 0]);
    expect(Array.from(result.sourceTo)).toEqual([1, 0]);
  });

  it('gives empty arrays for no weights and rejects neurons outside the similarity matrices', () => {
    expect(weightInheritance({ targetWeights: pairs([]), sourceWeights, fromSimilarity, toSimilarity }).inherited.length).toBe(0);
    expect(() => weightInheritance({ targetWeights: pairs([[2, 0]]), sourceWeights, fromSimilarity, toSimilarity })).toThrow(/target neuron 2/);
  });
});
