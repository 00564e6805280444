import { describe, expect, it } from 'vitest';
import { importantNeurons } from '../../analysis/important-neurons.ts';

// Three instances x five neurons, instance-major as layerConductance returns it. Ranks per instance:
//   [0.1, 0.5, 0.5, -1, 2] -> [2, 3.5, 3.5, 1, 5]
//   [3, 0, 1, 2, 2]        -> [5, 1, 2, 3.5, 3.5]
//   [0, 0, 0, 0, 1]        -> [2.5, 2.5, 2.5, 2.5, 5]
// Summed: [9.5, 7, 8, 7, 13.5].
const matrix = {
  values: Float32Array.from([0.1, 0.5, 0.5, -1, 2, 3, 0, 1, 2, 2, 0, 0, 0, 0, 1]),
  instances: 3,
  neurons: 5,
};

describe('importantNeurons', () => {
  it('keeps the neurons with the highest summed ranks, most important first', () => {
    const result = importantNeurons(matrix, { k: 2 });
    expect(Array.from(result.allSummedRanks)).toEqual([9.5, 7, 8, 7, 13.5]);
    expect(Array.from(result.indices)).toEqual([4, 0]);
    expect(Array.from(result.summedRanks)).toEqual([13.5, 9.5]);
  });

  it('keeps 10% of the neurons by default, at least one', () => {
    expect(Array.from(importantNeurons(matrix).indices)).toEqual([4]);
    const wide = { values: new Float32Array(2 * 40).map((_, i) => i % 40), instances: 2, neurons: 40 };
    expect(Array.from(importantNeurons(wide).indices)).toEqual([39, 38, 37, 36]);
  });

  it('uses only the rows of the class asked for; equal sums keep the lower index first', () => {
    const result = importantNeurons(matrix, { rows: [1], k: 3 });
    expect(Array.from(result.indices)).toEqual([0, 3, 4]);
    expect(Array.from(result.summedRanks)).toEqual([5, 3.5, 3.5]);
  });

  it('finds nothing important without instances, and rejects a mis-sized matrix', () => {
    const none = importantNeurons(matrix, { rows: [] });
    expect(none.indices.length).toBe(0);
    expect(Array.from(none.allSummedRanks)).toEqual([0, 0, 0, 0, 0]);
    expect(() => importantNeurons({ ...matrix, neurons: 4 })).toThrow(/15 values for 3 instances x 4 neurons/);
    expect(() => importantNeurons(matrix, { rows: [3] })).toThrow(/row 3/);
  });
});
