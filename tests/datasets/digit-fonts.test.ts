import { describe, expect, it } from 'vitest';
import { CoverageRaster } from '../../datasets/coverage-raster.ts';
import { DIGIT_FONT_FILES, loadDigitFaces, type DigitFace } from '../../datasets/digit-fonts.ts';

/** Shoelace area of a polygon, y up: positive when counter-clockwise. */
function signedArea(p: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < p.length; i += 2) {
    const j = (i + 2) % p.length;
    sum += p[i]! * p[j + 1]! - p[j]! * p[i + 1]!;
  }
  return sum / 2;
}

/** The bare glyph of `digit` rendered black-on-white into a `side²` coverage mask, digit band filling 80%. */
function glyphMask(face: DigitFace, digit: number, side: number): Float32Array {
  const glyph = face.glyphs[digit]!;
  const scale = (0.8 * side) / (face.digitTop - face.digitBottom);
  const cx = (glyph.xMin + glyph.xMax) / 2;
  const cy = (face.digitTop + face.digitBottom) / 2;
  const raster = new CoverageRaster(side, side);
  raster.fillPolygons(glyph.contours.map((c) => c.map((v, i) => (i % 2 === 0 ? side / 2 + (v - cx) * scale : side / 2 - (v - cy) * scale))));
  return raster.coverage;
}

describe('digit fonts from dejavu-fonts-ttf', () => {
  const faces = loadDigitFaces();

  it('loads every listed face with ten non-empty digits and sane metrics', () => {
    expect(faces.map((f) => f.name)).toEqual(DIGIT_FONT_FILES.map((f) => f.replace('.ttf', '')));
    expect(faces.length).toBeGreaterThanOrEqual(20);
    for (const face of faces) {
      expect(face.unitsPerEm).toBe(2048);
      expect(face.digitTop - face.digitBottom).toBeGreaterThan(0.6 * face.unitsPerEm);
      for (const glyph of face.glyphs) {
        expect(glyph.advance).toBeGreaterThan(glyph.xMax - glyph.xMin);
        expect(glyph.yMax).toBeGreaterThan(0.6 * face.unitsPerEm);
      }
      // A '1' is narrower than a '0' in every design, even monospaced ones (same advance, less ink).
      expect(face.glyphs[1]!.xMax - face.glyphs[1]!.xMin).toBeLessThan(face.glyphs[0]!.xMax - face.glyphs[0]!.xMin);
    }
    expect(loadDigitFaces()).toBe(faces); // cached
  });

  it('reads holes as contours wound against the outline, so nonzero fill leaves them open', () => {
    const sans = faces.find((f) => f.name === 'DejaVuSans')!;
    expect(sans.glyphs.map((g) => g.contours.length)).toEqual([2, 1, 1, 1, 2, 1, 2, 1, 3, 2]);
    for (const digit of [0, 4, 6, 8, 9]) {
      const areas = sans.glyphs[digit]!.contours.map(signedArea).sort((a, b) => Math.abs(b) - Math.abs(a));
      for (const hole of areas.slice(1)) {
        expect(Math.sign(hole)).toBe(-Math.sign(areas[0]!));
      }
    }
    const zero = glyphMask(sans, 0, 32);
    expect(zero[16 * 32 + 16]).toBe(0); // the counter of the 0 stays empty
    const eight = glyphMask(sans, 8, 32);
    expect(eight[16 * 32 + 16]).toBeGreaterThan(0.5); // the waist of the 8 is ink
  });

  it('renders visibly different shapes for different digits in every face', () => {
    for (const face of faces) {
      const masks = face.glyphs.map((_, d) => glyphMask(face, d, 24));
      for (let a = 0; a < 10; a++) {
        const ink = masks[a]!.reduce((s, v) => s + v, 0);
        expect(ink).toBeGreaterThan(20);
        for (let b = a + 1; b < 10; b++) {
          let differing = 0;
          masks[a]!.forEach((v, i) => {
            differing += Math.abs(v - masks[b]![i]!);
          });
          // The closest pair measured is ExtraLight 3 vs 8 at ~31 pixels of ink; identical glyphs give 0.
          expect(differing, `${face.name}: ${a} vs ${b}`).toBeGreaterThan(20);
        }
      }
    }
  });
});
