import { describe, expect, it } from 'vitest';
import { boundaryMap, cellColour, hueColour } from '../../../lib/dvi/boundary-map.ts';

// The "representation" is the point itself; class 1's probability is a logistic of 3·y, so the boundary is y = 0.
const decode = async (points: Float32Array): Promise<Float32Array> => points.slice();
const classify = async (rows: Float32Array, n: number): Promise<Float32Array> => {
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const p = 1 / (1 + Math.exp(-3 * rows[2 * i + 1]!));
    out[2 * i] = 1 - p;
    out[2 * i + 1] = p;
  }
  return out;
};
const layout = Float32Array.of(-1, -1, 1, 1, 0.5, -0.25);

describe('boundaryMap', () => {
  it('covers the bounding box, north up, coloured by class hue and confidence, white on the boundary', async () => {
    const map = await boundaryMap(layout, decode, classify, { resolution: 20, margin: 0 });
    expect(map.bounds).toEqual({ minX: -1, maxX: 1, minY: -1, maxY: 1 });
    expect(map.rgb.length).toBe(20 * 20 * 3);
    for (let row = 0; row < 20; row++) {
      const y = 1 - (row + 0.5) * 0.1;
      const p = 1 / (1 + Math.exp(-3 * y));
      const gap = Math.abs(2 * p - 1);
      // Top half is class 1 (hue 180°, cyan), bottom half class 0 (hue 0°, red).
      const expected = cellColour(y > 0 ? [0, 255, 255] : [255, 0, 0], gap, 0.1);
      for (const column of [0, 7, 19]) {
        const cell = row * 20 + column;
        expect(map.classes[cell]).toBe(y > 0 ? 1 : 0);
        expect(map.gaps[cell]).toBeCloseTo(gap, 5);
        expect(Array.from(map.rgb.subarray(3 * cell, 3 * cell + 3))).toEqual(expected);
      }
    }
    // The rows nearest y = 0 (y = ±0.05, gap 0.075) are the white band; the next (±0.15, gap 0.22) are not.
    expect(Array.from(map.rgb.subarray(3 * 9 * 20, 3 * 9 * 20 + 3))).toEqual([255, 255, 255]);
    expect(Array.from(map.rgb.subarray(3 * 10 * 20, 3 * 10 * 20 + 3))).toEqual([255, 255, 255]);
    expect(Array.from(map.rgb.subarray(3 * 8 * 20, 3 * 8 * 20 + 3))).not.toEqual([255, 255, 255]);
    // The most confident cells (top row, gap 0.90) are nearly pure cyan.
    expect(Array.from(map.rgb.subarray(0, 3))).toEqual(cellColour([0, 255, 255], map.gaps[0]!, 0.1));
    expect(map.rgb[0]).toBeLessThan(30);
  });

  it('gives the same map in small batches, and uses the colours passed', async () => {
    const whole = await boundaryMap(layout, decode, classify, { resolution: 9 });
    const batched = await boundaryMap(layout, decode, classify, { resolution: 9, batchSize: 7 });
    expect(Array.from(batched.rgb)).toEqual(Array.from(whole.rgb));
    const coloured = await boundaryMap(layout, decode, classify, {
      resolution: 9,
      classColours: [
        [0, 0, 255],
        [0, 128, 0],
      ],
    });
    // Class 1 (green) at the top left, class 0 (blue) at the bottom left.
    expect(coloured.rgb[1]).toBeGreaterThan(coloured.rgb[0]!);
    expect(coloured.rgb[0]).toBe(coloured.rgb[2]);
    const bottomLeft = 3 * 8 * 9;
    expect(coloured.rgb[bottomLeft + 2]).toBeGreaterThan(coloured.rgb[bottomLeft]!);
    expect(coloured.rgb[bottomLeft]).toBe(coloured.rgb[bottomLeft + 1]);
  });

  it('pads the box by the margin, and rejects resolutions over 400 and empty layouts', async () => {
    const map = await boundaryMap(layout, decode, classify, { resolution: 4, margin: 0.1 });
    expect(map.bounds.minX).toBeCloseTo(-1.2, 6);
    expect(map.bounds.maxY).toBeCloseTo(1.2, 6);
    await expect(boundaryMap(layout, decode, classify, { resolution: 401 })).rejects.toThrow(/from 1 to 400/);
    await expect(boundaryMap(new Float32Array(0), decode, classify)).rejects.toThrow(/at least one point/);
  });

  it('spreads default hues around the wheel', () => {
    expect(hueColour(0)).toEqual([1, 0, 0]);
    expect(hueColour(120)).toEqual([0, 1, 0]);
    expect(hueColour(240)).toEqual([0, 0, 1]);
  });
});
