import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digitFontFolder } from '../../datasets/digit-fonts.ts';
import { readGlyphOutlines } from '../../datasets/truetype-outline.ts';

const sans = readFileSync(join(digitFontFolder(), 'DejaVuSans.ttf'));
const area = (p: Float32Array): number => {
  let sum = 0;
  for (let i = 0; i < p.length; i += 2) {
    const j = (i + 2) % p.length;
    sum += p[i]! * p[j + 1]! - p[j]! * p[i + 1]!;
  }
  return sum / 2;
};

describe('readGlyphOutlines', () => {
  it('flattens curves more finely at a tighter tolerance without changing the shape', () => {
    const coarse = readGlyphOutlines(sans, 'O', 4).glyphs.get('O')!;
    const fine = readGlyphOutlines(sans, 'O', 0.5).glyphs.get('O')!;
    const points = (g: typeof fine): number => g.contours.reduce((n, c) => n + c.length / 2, 0);
    expect(points(fine)).toBeGreaterThan(2 * points(coarse));
    const inkArea = (g: typeof fine): number => Math.abs(g.contours.map(area).reduce((a, b) => a + b, 0));
    expect(Math.abs(inkArea(fine) - inkArea(coarse)) / inkArea(fine)).toBeLessThan(0.02);
    expect([fine.xMin, fine.xMax, fine.yMin, fine.yMax].map(Math.round)).toEqual([coarse.xMin, coarse.xMax, coarse.yMin, coarse.yMax].map(Math.round));
  });

  it('resolves composite glyphs: é is the e plus an accent above it', () => {
    const { glyphs } = readGlyphOutlines(sans, 'eé');
    const e = glyphs.get('e')!;
    const accented = glyphs.get('é')!;
    expect(accented.contours.length).toBe(e.contours.length + 1);
    expect(accented.yMax).toBeGreaterThan(e.yMax + 200);
    expect(accented.yMin).toBeCloseTo(e.yMin, 0);
    expect(accented.advance).toBe(e.advance);
  });

  it('maps a character the font lacks to .notdef and rejects non-font bytes', () => {
    const { unitsPerEm, glyphs } = readGlyphOutlines(sans, '\u{1F600}');
    expect(unitsPerEm).toBe(2048);
    expect(glyphs.get('\u{1F600}')!.advance).toBeGreaterThan(0);
    expect(() => readGlyphOutlines(new Uint8Array(64), '0')).toThrow(/Not a TrueType-outline font/);
  });
});
