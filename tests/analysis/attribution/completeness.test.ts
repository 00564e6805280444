import { describe, expect, it } from 'vitest';
import { completenessGaps, conductanceTotals } from '../../../analysis/attribution/completeness.ts';
import type { ConductanceResult } from '../../../analysis/attribution/layer-conductance.ts';

// Two instances; layer a (2 neurons) and b (1 neuron); F(x) - F(x') is 3 and 0.
const result: ConductanceResult = {
  count: 2,
  targets: Int32Array.from([0, 1]),
  logitAtInput: Float32Array.from([4, 1]),
  logitAtBaseline: Float32Array.from([1, 1]),
  alphas: Float64Array.from([0, 1]),
  layers: [
    { layer: 'a', neurons: 2, positions: 4, values: Float32Array.from([9, 9, 9, 9]), summed: Float32Array.from([1, 2, 0.25, -0.25]) },
    { layer: 'b', neurons: 1, positions: 1, values: Float32Array.from([1.5, 0.5]), summed: Float32Array.from([1.5, 0.5]) },
  ],
};

describe('conductanceTotals and completenessGaps', () => {
  it('sum the spatial sums of every neuron of the given layers per instance, and compare with F(x) - F(x`)', () => {
    expect([...conductanceTotals(result, ['a'])]).toEqual([3, 0]);
    expect([...conductanceTotals(result, ['a', 'b'])]).toEqual([4.5, 0.5]);
    // Instance 0: |3 - 3| / 3 and |4.5 - 3| / 3; instance 1 has no difference, so the absolute gap.
    expect([...completenessGaps(result, ['a'])]).toEqual([0, 0]);
    expect([...completenessGaps(result, ['a', 'b'])]).toEqual([0.5, 0.5]);
    expect(conductanceTotals({ ...result, count: 0, layers: [] }, []).length).toBe(0);
  });

  it('name a layer that was not attributed', () => {
    expect(() => conductanceTotals(result, ['c'])).toThrow(/layer 'c' was not attributed \(got a, b\)/);
  });
});
