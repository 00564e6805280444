import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/random/index.ts';
import { attractiveForces, makeAttraction, upperTriangle } from '../../../lib/tsne/tsne-attraction.ts';
import { sparseFromDense } from './tsne-kl.ts';

describe('attractive forces', () => {
  const n = 30;
  const random = new SeededRandom(12);
  // A symmetric P with a third of the pairs present.
  const dense = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (random.next() < 1 / 3) {
        dense[i * n + j] = dense[j * n + i] = random.next();
      }
    }
  }
  const Y = Float64Array.from({ length: 2 * n }, () => 3 * random.normal());

  it('keeps each pair once, above the diagonal', () => {
    const upper = upperTriangle(sparseFromDense(dense, n));
    let pairs = 0;
    for (let i = 0; i < n; i++) {
      for (let e = upper.rowStart[i]!; e < upper.rowStart[i + 1]!; e++) {
        expect(upper.columns[e]).toBeGreaterThan(i);
        expect(upper.values[e]).toBe(dense[i * n + upper.columns[e]!]);
        pairs++;
      }
    }
    expect(pairs).toBe(dense.filter((v) => v > 0).length / 2);
  });

  it('equals Σⱼ pᵢⱼ wᵢⱼ (yᵢ - yⱼ) summed over the dense matrix', () => {
    const out = new Float64Array(2 * n).fill(7);
    attractiveForces(upperTriangle(sparseFromDense(dense, n)), Y, out);
    for (let i = 0; i < n; i++) {
      let fx = 0;
      let fy = 0;
      for (let j = 0; j < n; j++) {
        const dx = Y[2 * i]! - Y[2 * j]!;
        const dy = Y[2 * i + 1]! - Y[2 * j + 1]!;
        const w = dense[i * n + j]! / (1 + dx * dx + dy * dy);
        fx += w * dx;
        fy += w * dy;
      }
      expect(out[2 * i]).toBeCloseTo(fx, 12);
      expect(out[2 * i + 1]).toBeCloseTo(fy, 12);
    }
  });

  it('gives the same bits from the SIMD kernel as from the JS loop, step after step', () => {
    const upper = upperTriangle(sparseFromDense(dense, n));
    const simd = makeAttraction(upper);
    const js = makeAttraction(upper, false);
    for (const scale of [1, 40]) {
      const layout = Y.map((v) => v * scale);
      const a = new Float64Array(2 * n).fill(7);
      const b = new Float64Array(2 * n).fill(-7);
      simd(layout, a);
      js(layout, b);
      expect(Array.from(a)).toEqual(Array.from(b));
      const direct = new Float64Array(2 * n);
      attractiveForces(upper, layout, direct);
      expect(Array.from(a)).toEqual(Array.from(direct));
    }
  });
});
