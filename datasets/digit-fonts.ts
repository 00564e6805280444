// The printed digit glyphs for the source domain: outlines of 0-9 read once from the DejaVu TrueType
// files that the `dejavu-fonts-ttf` npm package ships, so nothing is fetched at run time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readGlyphOutlines, type GlyphOutline } from './truetype-outline.ts';

/** One typeface's digit outlines, normalised metrics included. */
export interface DigitFace {
  name: string;
  unitsPerEm: number;
  /** `glyphs[d]` is the outline of digit `d`. */
  glyphs: GlyphOutline[];
  /** Lowest and highest y over all ten digits, font units: the band a digit string occupies. */
  digitBottom: number;
  digitTop: number;
}

// 21 faces: Sans, Serif and Mono designs in regular/bold/oblique/condensed/extra-light cuts.
// DejaVuMathTeXGyre is left out: it is a math font, not one you would see on a house-number plate.
export const DIGIT_FONT_FILES: readonly string[] = [
  'DejaVuSans.ttf',
  'DejaVuSans-Bold.ttf',
  'DejaVuSans-Oblique.ttf',
  'DejaVuSans-BoldOblique.ttf',
  'DejaVuSans-ExtraLight.ttf',
  'DejaVuSansCondensed.ttf',
  'DejaVuSansCondensed-Bold.ttf',
  'DejaVuSansCondensed-Oblique.ttf',
  'DejaVuSansCondensed-BoldOblique.ttf',
  'DejaVuSansMono.ttf',
  'DejaVuSansMono-Bold.ttf',
  'DejaVuSansMono-Oblique.ttf',
  'DejaVuSansMono-BoldOblique.ttf',
  'DejaVuSerif.ttf',
  'DejaVuSerif-Bold.ttf',
  'DejaVuSerif-Italic.ttf',
  'DejaVuSerif-BoldItalic.ttf',
  'DejaVuSerifCondensed.ttf',
  'DejaVuSerifCondensed-Bold.ttf',
  'DejaVuSerifCondensed-Italic.ttf',
  'DejaVuSerifCondensed-BoldItalic.ttf',
];

let cachedFaces: DigitFace[] | undefined;

/** Folder holding the package's .ttf files; throws with an install hint when the package is missing. */
export function digitFontFolder(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  } catch (cause) {
    throw new Error('Cannot find the dejavu-fonts-ttf package (its fonts draw the synthetic digits). Run `npm ci`.', {
      cause,
    });
  }
}

/**
 * The digit outlines of every face in `DIGIT_FONT_FILES`, parsed on first call (~60 ms) and cached
 * for the life of the process. Throws if a font file is missing or lacks a digit glyph.
 */
export function loadDigitFaces(): DigitFace[] {
  if (cachedFaces) {
    return cachedFaces;
  }
  const folder = digitFontFolder();
  cachedFaces = DIGIT_FONT_FILES.map((file) => {
    const { unitsPerEm, glyphs } = readGlyphOutlines(readFileSync(join(folder, file)), '0123456789');
    const outlines = [...glyphs.values()];
    if (outlines.length !== 10 || outlines.some((g) => g.contours.length === 0)) {
      throw new Error(`Font ${file} has no outline for some digit 0-9. Use a font that covers ASCII digits.`);
    }
    return {
      name: file.replace(/\.ttf$/, ''),
      unitsPerEm,
      glyphs: outlines,
      digitBottom: Math.min(...outlines.map((g) => g.yMin)),
      digitTop: Math.max(...outlines.map((g) => g.yMax)),
    };
  });
  return cachedFaces;
}
