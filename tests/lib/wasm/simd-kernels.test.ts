import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/random/index.ts';
import { layoutRegions, makeSimdKernels, simdAvailable } from '../../../lib/wasm/simd-kernels.ts';

describe('SIMD kernels', () => {
  it('run in this Node', () => {
    expect(simdAvailable()).toBe(true);
  });

  it('compute every squared distance of a block of rows', () => {
    const random = new SeededRandom(2);
    const n = 12;
    const d = 6;
    const [x, out, total] = layoutRegions([8 * n * d, 8 * 4 * 8]);
    const kernels = makeSimdKernels(total!)!;
    const rows = new Float64Array(kernels.memory.buffer, x!, n * d);
    rows.set(Array.from({ length: n * d }, () => random.normal()));
    // Rows 2..5 against rows 4..11: 4 x 8 pairs, a self-pair included.
    kernels.squaredDistances(x!, d, 2, 6, 4, 12, out!);
    const block = new Float64Array(kernels.memory.buffer, out!, 32);
    for (let i = 2; i < 6; i++) {
      for (let j = 4; j < 12; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) {
          s += (rows[i * d + t]! - rows[j * d + t]!) ** 2;
        }
        expect(block[(i - 2) * 8 + (j - 4)]).toBeCloseTo(s, 12);
      }
    }
    expect(block[(4 - 2) * 8 + 0]).toBe(0);
  });

  it('give each caller its own memory, at least as large as asked', () => {
    const a = makeSimdKernels(5 * 65536 + 1)!;
    const b = makeSimdKernels(16)!;
    expect(a.memory.buffer.byteLength).toBeGreaterThanOrEqual(5 * 65536 + 1);
    expect(a.memory).not.toBe(b.memory);
    expect(layoutRegions([1, 17, 16])).toEqual([0, 16, 48, 64]);
  });
});
