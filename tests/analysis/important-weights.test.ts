import { describe, expect, it } from 'vitest';
import { activatedLevels, importantWeights, type WeightBoundary } from '../../analysis/important-weights.ts';

const triples = (r: { from: Int32Array; to: Int32Array; count: Int32Array }) => Array.from(r.from, (f, i) => [f, r.to[i], r.count[i]]);

describe('importantWeights', () => {
  // W = [[1, -2, 0.5], [3, 0.1, -1]] (2 inputs x 3 outputs). Pair index n1 * 3 + n2.
  const dense: WeightBoundary = { kind: 'dense', kernel: Float32Array.from([1, -2, 0.5, 3, 0.1, -1]), inputs: 2, outputs: 3 };
  const activations = { values: Float32Array.from([2, 0, 1, 1, 0, 2]), instances: 3, neurons: 2 };

  it('dense: levels a_n1 * W[n1, n2], top k per instance, counted, ties by summed level', () => {
    expect(Array.from(activatedLevels(dense, [2, 0]))).toEqual([2, -4, 1, 0, 0, 0]);
    // Per instance (k = 2): {0->0, 0->2}, {1->0, 0->0}, {1->0, 1->1}. Counts 0->0: 2 (levels 2 + 1),
    // 1->0: 2 (3 + 6), so 1->0 comes first.
    expect(triples(importantWeights(dense, activations, { k: 2 }))).toEqual([
      [1, 0, 2],
      [0, 0, 2],
    ]);
    // By magnitude: {0->1, 0->0}, {1->0, 0->1}, {1->0, 1->2}.
    expect(triples(importantWeights(dense, activations, { k: 2, level: 'magnitude' }))).toEqual([
      [1, 0, 2],
      [0, 1, 2],
    ]);
    expect(triples(importantWeights(dense, activations, { k: 2, rows: [0] }))).toEqual([
      [0, 0, 1],
      [0, 2, 1],
    ]);
    expect(importantWeights(dense, activations, { rows: [] }).from.length).toBe(0);
  });

  it("averages every weight's activated level over the selected instances", () => {
    // Levels per instance: [2, -4, 1, 0, 0, 0], [1, -2, 0.5, 3, 0.1, -1], [0, 0, 0, 6, 0.2, -2].
    const mean = importantWeights(dense, activations, { k: 1 }).meanLevels;
    expect(Array.from(mean, (v) => +v.toFixed(6))).toEqual([1, -2, 0.5, 3, 0.1, -1]);
    expect(Array.from(importantWeights(dense, activations, { rows: [0, 0] }).meanLevels)).toEqual([2, -4, 1, 0, 0, 0]);
    expect(Array.from(importantWeights(dense, activations, { rows: [] }).meanLevels)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('conv: a channel activation times its kernel summed over positions', () => {
    // [kh=2, kw=2, in=2, out=2]; per position the 2x2 block [n1][n2]. Summed: [[1, 3], [1, 1.5]].
    const conv: WeightBoundary = {
      kind: 'conv',
      kernel: Float32Array.from([1, 0, 0, 1, 1, 2, -1, 0, 0, 0, 2, 0, -1, 1, 0, 0.5]),
      kernelHeight: 2,
      kernelWidth: 2,
      inputs: 2,
      outputs: 2,
    };
    expect(Array.from(activatedLevels(conv, [1, 2]))).toEqual([1, 3, 2, 3]);
    const channels = { values: Float32Array.from([1, 2, 0, 1]), instances: 2, neurons: 2 };
    // k = 1: instance 0 ties 0->1 and 1->1 at 3 (lower index wins), instance 1 picks 1->1 (1.5);
    // equal counts, 0->1's summed level 3 beats 1->1's 1.5.
    expect(triples(importantWeights(conv, channels, { k: 1 }))).toEqual([[0, 1, 1]]);
    // k = 2: {0->1, 1->1} and {1->1, 1->0}.
    expect(triples(importantWeights(conv, channels, { k: 2 }))).toEqual([
      [1, 1, 2],
      [0, 1, 1],
    ]);
  });

  it('flatten -> fc6: sums the units of each conv5 channel (unit u is channel u % channels)', () => {
    // Units [p0c0, p0c1, p1c0, p1c1] x 2 outputs.
    const flatten: WeightBoundary = { kind: 'flatten', kernel: Float32Array.from([1, 0, 0, 1, 2, -1, 1, 1]), channels: 2, outputs: 2 };
    expect(Array.from(activatedLevels(flatten, [1, 2, 3, 4]))).toEqual([7, -3, 4, 6]);
    const units = { values: Float32Array.from([1, 2, 3, 4]), instances: 1, neurons: 4 };
    expect(triples(importantWeights(flatten, units, { k: 2 }))).toEqual([
      [0, 0, 1],
      [1, 1, 1],
    ]);
    expect(() => importantWeights(flatten, { values: new Float32Array(2), instances: 1, neurons: 2 })).toThrow(/needs 4 activations/);
  });

  it('rejects a kernel of the wrong size', () => {
    expect(() => importantWeights({ ...dense, outputs: 4 } as WeightBoundary, activations)).toThrow(/has 8 weights \(got 6\)/);
  });
});
