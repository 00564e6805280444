import { describe, expect, it } from 'vitest';
import { weightRegions } from '../../analysis/weight-regions.ts';

// 3 inputs x 4 outputs, level of n1 -> n2 at n1 * 4 + n2: 10 * n1 + n2, so every level names its weight.
const levels = Float64Array.from({ length: 12 }, (_, p) => 10 * Math.floor(p / 4) + (p % 4));

describe('weightRegions', () => {
  it("summarises each important neuron's weights to the other side's non-important neurons, with the pie counts", () => {
    // Important inputs [2, 0], important outputs [1]. Important target weights 0->1, 2->3 (inherited), 1->0 (inherited), 0->2.
    const r = weightRegions({
      levels,
      inputs: 3,
      outputs: 4,
      importantFrom: [2, 0],
      importantTo: [1],
      weights: { from: [0, 2, 1, 0], to: [1, 3, 0, 2], inherited: [false, true, true, false] },
      bins: 2,
    });
    // Input 2 -> outputs 0, 2, 3: levels 20, 22, 23; 2->3 is important and inherited.
    expect(r.fromImportant[0]).toEqual({ neuron: 2, levels: [20, 21, 22, 22.5, 23], weights: 3, important: 1, inherited: 1 });
    // Input 0 -> outputs 0, 2, 3: 0, 2, 3; 0->2 important, not inherited.
    expect(r.fromImportant[1]).toEqual({ neuron: 0, levels: [0, 1, 2, 2.5, 3], weights: 3, important: 1, inherited: 0 });
    // Inputs 1 -> output 1: a single weight, level 11 (0->1 joins two important neurons, so it is not here).
    expect(r.toImportant).toEqual([{ neuron: 1, levels: [11, 11, 11, 11, 11], weights: 1, important: 0, inherited: 0 }]);
    // Input 1 -> outputs 0, 2, 3: 10, 12, 13 over [10, 13] in two bins; 1->0 is important and inherited.
    expect(r.otherOther).toEqual({ min: 10, max: 13, counts: [1, 2], weights: 3, important: 1, inherited: 1 });
    expect(r.levelRange).toEqual([0, 23]);
  });

  it('has no boxplot when every neuron on the other side is important, and a centred range for one level', () => {
    const r = weightRegions({
      levels: Float64Array.from([1, 2]),
      inputs: 1,
      outputs: 2,
      importantFrom: [0],
      importantTo: [0, 1],
      weights: { from: [], to: [], inherited: [] },
    });
    expect(r.fromImportant).toEqual([{ neuron: 0, levels: null, weights: 0, important: 0, inherited: 0 }]);
    expect(r.otherOther.weights).toBe(0);
    const single = weightRegions({
      levels: Float64Array.from([4]),
      inputs: 1,
      outputs: 1,
      importantFrom: [],
      importantTo: [],
      weights: { from: [], to: [], inherited: [] },
      bins: 2,
    });
    expect(single.otherOther).toMatchObject({ min: 3.5, max: 4.5, counts: [0, 1] });
  });

  it('rejects a level matrix of the wrong size and out-of-range neurons', () => {
    const weights = { from: [], to: [], inherited: [] };
    expect(() => weightRegions({ levels, inputs: 4, outputs: 4, importantFrom: [], importantTo: [], weights })).toThrow(/12 levels for 4 x 4/);
    expect(() => weightRegions({ levels, inputs: 3, outputs: 4, importantFrom: [3], importantTo: [], weights })).toThrow(/neuron 3/);
  });
});
