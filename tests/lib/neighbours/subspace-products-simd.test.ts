import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/random/index.ts';
import { principalSubspace, subspaceProducts } from '../../../lib/neighbours/neighbour-subspace.ts';
import { simdSubspaceProducts } from '../../../lib/neighbours/subspace-products-simd.ts';
import { relativeError } from '../tsne/tsne-fixtures.ts';

describe('subspace products by the SIMD kernel', () => {
  // Odd n, odd d and m not a multiple of 4: every padding path of the kernel's shapes.
  const n = 37;
  const d = 11;
  const m = 5;
  const random = new SeededRandom(3);
  const data = Float32Array.from({ length: n * d }, () => 3 + random.normal());
  const basis = Float64Array.from({ length: d * m }, () => random.normal());
  const scores = Float64Array.from({ length: n * m }, () => random.normal());

  it("gives the JS loops' centred products to rounding", () => {
    const js = subspaceProducts(data, n, d);
    const simd = simdSubspaceProducts(data, n, d, m)!;
    const [a, b] = [new Float64Array(n * m), new Float64Array(n * m)];
    js.scores(basis, m, a);
    simd.scores(basis, m, b);
    expect(relativeError(b, a)).toBeLessThan(1e-13);
    const [c, e] = [new Float64Array(d * m), new Float64Array(d * m)];
    js.transposed(scores, m, c);
    simd.transposed(scores, m, e);
    expect(relativeError(e, c)).toBeLessThan(1e-13);
    // Against the definition, one entry: Σᵢ (xᵢₜ - meanₜ) sᵢ꜀ for t = 10, c = 4.
    let mean = 0;
    for (let i = 0; i < n; i++) {
      mean += data[i * d + 10]! / n;
    }
    let entry = 0;
    for (let i = 0; i < n; i++) {
      entry += (data[i * d + 10]! - mean) * scores[i * m + 4]!;
    }
    expect(e[10 * m + 4]).toBeCloseTo(entry, 10);
  });

  it('lead subspace iteration to the same basis', () => {
    const js = principalSubspace(data, n, d, m);
    const simd = principalSubspace(data, n, d, m, simdSubspaceProducts(data, n, d, m)!);
    expect(relativeError(simd, js)).toBeLessThan(1e-10);
  });
});
