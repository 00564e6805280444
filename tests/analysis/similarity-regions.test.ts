import { describe, expect, it } from 'vitest';
import { mostSimilarNeurons, similarityRegions } from '../../analysis/similarity-regions.ts';
import type { NeuronSimilarity } from '../../analysis/neuron-similarity.ts';

// 3 source x 4 target neurons, S[s, t] at s * 4 + t.
const similarity: NeuronSimilarity = {
  values: Float32Array.from([0.9, -0.2, 0.1, 0.9, 0.3, 1.0, -1.0, 0.0, 0.55, 0.5, 0.95, 0.2]),
  sourceNeurons: 3,
  targetNeurons: 4,
};

describe('similarityRegions', () => {
  it('keeps important x important as cells in importance order and bins the other three regions', () => {
    // Important source neurons [2, 0], important target neurons [3, 1].
    const r = similarityRegions(similarity, [2, 0], [3, 1], 4);
    expect(Array.from(r.important, (v) => +v.toFixed(2))).toEqual([0.2, 0.5, 0.9, -0.2]);
    // Bins over [-1, 1]: [-1, -0.5), [-0.5, 0), [0, 0.5), [0.5, 1].
    // Important source (2, 0) x other target (0, 2): 0.55, 0.95, 0.9, 0.1.
    expect(r.importantSourceOther).toEqual({ min: -1, max: 1, counts: [0, 0, 1, 3] });
    // Other source (1) x important target (3, 1): 0.0, 1.0.
    expect(r.otherSourceImportant.counts).toEqual([0, 0, 1, 1]);
    // Other source (1) x other target (0, 2): 0.3, -1.0.
    expect(r.otherOther.counts).toEqual([1, 0, 1, 0]);
    const total = [r.importantSourceOther, r.otherSourceImportant, r.otherOther].reduce((n, h) => n + h.counts.reduce((a, b) => a + b, 0), 0);
    expect(total + r.important.length).toBe(12);
  });

  it('gives empty cells and zero histograms when nothing is important, and rejects bad neurons', () => {
    const r = similarityRegions(similarity, [], [], 2);
    expect(r.important.length).toBe(0);
    expect(r.otherOther.counts).toEqual([2, 10]);
    expect(r.importantSourceOther.counts).toEqual([0, 0]);
    expect(() => similarityRegions(similarity, [3], [0])).toThrow(/source neuron 3/);
    expect(() => similarityRegions(similarity, [0], [1, 1])).toThrow(/repeated/);
  });
});

describe('mostSimilarNeurons', () => {
  it("ranks the other model's neurons by similarity, the same index first among ties", () => {
    // Target neuron 0's column: 0.9, 0.3, 0.55.
    const t = mostSimilarNeurons(similarity, 'target', 0, 2);
    expect([Array.from(t.neurons), Array.from(t.values, (v) => +v.toFixed(2))]).toEqual([
      [0, 2],
      [0.9, 0.55],
    ]);
    // Source neuron 0's row: 0.9 at targets 0 and 3 (tie: target 0 is its own index), then 0.1, -0.2.
    expect(Array.from(mostSimilarNeurons(similarity, 'source', 0, 5).neurons)).toEqual([0, 3, 2, 1]);
    const tie: NeuronSimilarity = { values: Float32Array.from([0.5, 0.5, 0.5, 0.5]), sourceNeurons: 2, targetNeurons: 2 };
    expect(Array.from(mostSimilarNeurons(tie, 'target', 1, 2).neurons)).toEqual([1, 0]);
    expect(() => mostSimilarNeurons(similarity, 'source', 3)).toThrow(/source neuron 3/);
  });
});
