// The Stieltjes-sum kernel works on a memory it imports and equals the plain float64 loop bit for bit: the same
// terms, in the same order per entry, across map blocks, odd widths and segments that continue a sum.
import { describe, expect, it } from 'vitest';
import { stieltjesKernel } from '../../../lib/wasm/index.ts';
import { SeededRandom } from '../../../lib/random/index.ts';

/** The definition, row by row in float64: map[d] += g_k[d] * (y_{k+1}[d] - y_k[d]) for rows first..first + steps. */
function plainSum(map: Float64Array, y: Float32Array, g: Float32Array, first: number, steps: number): void {
  const width = map.length;
  for (let k = first; k < first + steps; k++) {
    for (let d = 0; d < width; d++) {
      map[d]! += g[k * width + d]! * (y[(k + 1) * width + d]! - y[k * width + d]!);
    }
  }
}

describe('stieltjesKernel', () => {
  it.each([
    { width: 4099, steps: 5, why: 'two full blocks of 2,048 entries and a tail of three' },
    { width: 10, steps: 51, why: 'a classifier row, Captum-sized path' },
    { width: 3, steps: 2, why: 'narrower than one group of four' },
  ])('equals the plain loop exactly at width $width ($why)', ({ width, steps }) => {
    const memory = new WebAssembly.Memory({ initial: 16 });
    const sum = stieltjesKernel(memory);
    expect(sum).not.toBeNull();
    const random = new SeededRandom(width + steps);
    // Two segments of one path, as a pass boundary splits it: rows 0..split, then split..steps (the cut row twice).
    const split = Math.max(1, Math.floor(steps / 2));
    const rows = steps + 1;
    const yAt = 64;
    const gAt = yAt + rows * width * 4;
    const mapAt = gAt + rows * width * 4 + 8 - ((gAt + rows * width * 4) % 8);
    const y = new Float32Array(memory.buffer, yAt, rows * width);
    const g = new Float32Array(memory.buffer, gAt, rows * width);
    y.forEach((_, i) => (y[i] = random.range(-2, 2)));
    g.forEach((_, i) => (g[i] = random.range(-5e-4, 5e-4)));
    const expected = new Float64Array(width);
    plainSum(expected, y, g, 0, split);
    plainSum(expected, y, g, split, steps - split);
    sum!(mapAt, yAt, gAt, width, split);
    sum!(mapAt, yAt + split * width * 4, gAt + split * width * 4, width, steps - split);
    const actual = new Float64Array(memory.buffer, mapAt, width);
    expect(actual.some((v) => v !== 0)).toBe(true);
    expect(Array.from(actual)).toEqual(Array.from(expected));
  });

  it('is null for a shared memory, which the module does not import', () => {
    expect(stieltjesKernel(new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }))).toBeNull();
  });
});
