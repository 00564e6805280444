import { describe, expect, it } from 'vitest';
import { CoverageRaster } from '../../datasets/coverage-raster.ts';
import { SeededRandom } from '../../lib/random/index.ts';

const square = (x0: number, y0: number, x1: number, y1: number): Float32Array => Float32Array.of(x0, y0, x1, y0, x1, y1, x0, y1);
const reversed = (p: Float32Array): Float32Array => {
  const out = new Float32Array(p.length);
  for (let i = 0; i < p.length; i += 2) {
    out[p.length - 2 - i] = p[i]!;
    out[p.length - 1 - i] = p[i + 1]!;
  }
  return out;
};
const total = (r: CoverageRaster): number => r.coverage.reduce((a, b) => a + b, 0);

describe('CoverageRaster', () => {
  it('fills a pixel-aligned square exactly', () => {
    const r = new CoverageRaster(8, 8);
    r.fillPolygons([square(2, 3, 6, 5)]);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        expect(r.coverage[y * 8 + x]).toBe(x >= 2 && x < 6 && y >= 3 && y < 5 ? 1 : 0);
      }
    }
  });

  it('gives fractional coverage on edges that cut pixels', () => {
    const r = new CoverageRaster(4, 4, 4);
    r.fillPolygons([square(0.5, 0, 2.25, 1)]);
    expect(r.coverage[0]).toBeCloseTo(0.5);
    expect(r.coverage[1]).toBeCloseTo(1);
    expect(r.coverage[2]).toBeCloseTo(0.25);
  });

  it('leaves an opposite-wound hole empty and fills a same-wound overlap once (nonzero rule)', () => {
    const ring = new CoverageRaster(10, 10);
    ring.fillPolygons([square(1, 1, 9, 9), reversed(square(3, 3, 7, 7))]);
    expect(ring.coverage[5 * 10 + 5]).toBe(0);
    expect(ring.coverage[2 * 10 + 2]).toBe(1);
    expect(total(ring)).toBeCloseTo(64 - 16);
    const overlap = new CoverageRaster(10, 10);
    overlap.fillPolygons([square(1, 1, 9, 9), square(3, 3, 7, 7)]);
    expect(overlap.coverage[5 * 10 + 5]).toBe(1);
    expect(total(overlap)).toBeCloseTo(64);
  });

  it('covers the area of random rotated polygons, clipped at the border', () => {
    const random = new SeededRandom(11);
    for (let trial = 0; trial < 20; trial++) {
      const r = new CoverageRaster(32, 32, 8);
      const sides = 3 + random.int(6);
      const cx = random.range(8, 24);
      const cy = random.range(8, 24);
      const radius = random.range(2, 7);
      const polygon = new Float32Array(sides * 2);
      for (let i = 0; i < sides; i++) {
        const t = (i / sides) * 2 * Math.PI + trial;
        polygon[i * 2] = cx + radius * Math.cos(t);
        polygon[i * 2 + 1] = cy + radius * Math.sin(t);
      }
      r.fillPolygons([polygon]);
      const area = 0.5 * sides * radius * radius * Math.sin((2 * Math.PI) / sides);
      expect(Math.abs(total(r) - area) / area).toBeLessThan(0.02);
    }
    const clipped = new CoverageRaster(8, 8);
    clipped.fillPolygons([square(-4, -4, 4, 4)]);
    expect(total(clipped)).toBeCloseTo(16);
  });
});
