import { describe, expect, it } from 'vitest';
import { fitUmapCurve } from '../../../lib/dvi/umap-curve.ts';

describe('fitUmapCurve', () => {
  it("gives UMAP's a and b for min_dist 0.1, spread 1", () => {
    // umap.umap_.find_ab_params(1.0, 0.1) returns (1.5769434603113077, 0.8950608779109733).
    const { a, b } = fitUmapCurve(0.1, 1);
    expect(a).toBeCloseTo(1.5769, 3);
    expect(b).toBeCloseTo(0.8951, 3);
  });

  it("gives UMAP's values for min_dist 0.5 as well", () => {
    // find_ab_params(1.0, 0.5) returns (0.5830300203414425, 1.334166992455648).
    const { a, b } = fitUmapCurve(0.5, 1);
    expect(a).toBeCloseTo(0.583, 2);
    expect(b).toBeCloseTo(1.334, 2);
  });

  it('rejects a spread that is not positive', () => {
    expect(() => fitUmapCurve(0.1, 0)).toThrow(/spread > 0/);
  });
});
