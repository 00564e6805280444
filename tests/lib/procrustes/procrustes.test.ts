import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/random/index.ts';
import { procrustes } from '../../../lib/procrustes/index.ts';

function transform(layout: Float32Array, m: [number, number, number, number], t: [number, number]): Float32Array {
  const out = new Float32Array(layout.length);
  for (let i = 0; i < layout.length / 2; i++) {
    out[2 * i] = m[0] * layout[2 * i]! + m[1] * layout[2 * i + 1]! + t[0];
    out[2 * i + 1] = m[2] * layout[2 * i]! + m[3] * layout[2 * i + 1]! + t[1];
  }
  return out;
}

describe('procrustes', () => {
  const random = new SeededRandom(4);
  const previous = Float32Array.from({ length: 2 * 200 }, () => 10 * random.normal());

  it('undoes a known rotation, scale and shift', () => {
    // next = 0.5 R(40°) previous + (3, -8); the fit must map it back: scale 2, rotation -40°.
    const a = (40 * Math.PI) / 180;
    const next = transform(previous, [0.5 * Math.cos(a), -0.5 * Math.sin(a), 0.5 * Math.sin(a), 0.5 * Math.cos(a)], [3, -8]);
    const fit = procrustes(previous, next);
    expect(fit.reflected).toBe(false);
    expect(fit.scale).toBeCloseTo(2, 5);
    expect(fit.matrix[0]).toBeCloseTo(2 * Math.cos(-a), 5);
    expect(fit.matrix[2]).toBeCloseTo(2 * Math.sin(-a), 5);
    expect(fit.rmsd).toBeLessThan(1e-4);
    expect(Math.max(...fit.aligned.map((v, c) => Math.abs(v - previous[c]!)))).toBeLessThan(1e-3);
  });

  it('undoes a mirror image, unless reflections are off', () => {
    const next = transform(previous, [-1, 0, 0, 1], [0, 0]);
    const fit = procrustes(previous, next);
    expect(fit.reflected).toBe(true);
    expect(fit.rmsd).toBeLessThan(1e-4);
    const rotationOnly = procrustes(previous, next, { allowReflection: false });
    expect(rotationOnly.reflected).toBe(false);
    expect(rotationOnly.rmsd).toBeGreaterThan(5);
  });

  it('finds the least-squares fit under noise, and keeps scale 1 when asked', () => {
    const next = transform(previous, [0, -3, 3, 0], [1, 1]).map((x) => x + random.normal());
    const fit = procrustes(previous, next);
    expect(fit.scale).toBeCloseTo(1 / 3, 2);
    // Any other angle or scale does worse than the fitted one.
    const rmsd = (layout: Float32Array) => Math.sqrt(layout.reduce((s, v, c) => s + (v - previous[c]!) ** 2, 0) / 200);
    expect(rmsd(fit.aligned)).toBeCloseTo(fit.rmsd, 4);
    for (const m of [
      [Math.cos(0.05), -Math.sin(0.05), Math.sin(0.05), Math.cos(0.05)],
      [1.05, 0, 0, 1.05],
      [0.95, 0, 0, 0.95],
    ] as const) {
      expect(rmsd(transform(fit.aligned, [...m], [0, 0]))).toBeGreaterThan(fit.rmsd);
    }
    expect(procrustes(previous, next, { allowScale: false }).scale).toBe(1);
  });

  it('translates a layout without spread onto the previous mean, and rejects mismatched layouts', () => {
    const fit = procrustes(Float32Array.of(0, 0, 2, 4), Float32Array.of(5, 5, 5, 5));
    expect(Array.from(fit.aligned)).toEqual([1, 2, 1, 2]);
    expect(() => procrustes(new Float32Array(4), new Float32Array(6))).toThrow(/same n instances/);
  });
});
