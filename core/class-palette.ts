// The class palette of the whole product: the dashboard's points, class toggles and probe, and the stored DVI
// boundary maps (drawn by the analysis stage) take their colours from here, so a point and its map region agree.

/** A colour as red, green and blue bytes (0-255). */
export type Rgb = readonly [number, number, number];

// Tableau 10 without its red and blue (source and target everywhere else), topped up with two darker hues.
const PALETTE: readonly Rgb[] = [
  [0xff, 0x7f, 0x0e],
  [0x2c, 0xa0, 0x2c],
  [0x94, 0x67, 0xbd],
  [0x8c, 0x56, 0x4b],
  [0xe3, 0x77, 0xc2],
  [0x7f, 0x7f, 0x7f],
  [0xbc, 0xbd, 0x22],
  [0x17, 0xbe, 0xcf],
  [0x39, 0x3b, 0x79],
  [0x63, 0x79, 0x39],
];

/** HSL (hue in degrees, saturation and lightness in [0, 1]) as RGB bytes; the CSS Color 4 conversion. */
export function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number): number => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}

/** The colour of class `c` of `classCount`: distinct for up to ten classes, evenly spread hues beyond that. */
export function classRgb(c: number, classCount: number): Rgb {
  return classCount <= PALETTE.length ? PALETTE[c]! : hslToRgb((360 * c) / classCount, 0.65, 0.45);
}

/** Every class's colour, in class order (what a boundary map is drawn with). */
export function classPalette(classCount: number): Rgb[] {
  return Array.from({ length: classCount }, (_, c) => classRgb(c, classCount));
}

/** The colour of class `c` as a CSS hex colour. */
export function classCss(c: number, classCount: number): string {
  return `#${classRgb(c, classCount)
    .map((v) => v.toString(16).padStart(2, '0'))
    .join('')}`;
}
