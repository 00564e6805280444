// Glyph outlines as polygons: TrueType's quadratic splines flattened to within a tolerance, so
// synthetic digits need no font library and no canvas.
import { glyphIndexFor, readGlyphContours, readTables, type RawContour } from './truetype-tables.ts';

/** One glyph as closed polygons in font units (y up), plus the metrics needed to lay out a string. */
export interface GlyphOutline {
  /** Closed polygons `[x0, y0, x1, y1, ...]`; the last point joins back to the first. */
  contours: Float32Array[];
  /** Horizontal pen advance, font units. */
  advance: number;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Flattens one quadratic-spline contour; each curve gets enough chords to stay within `tolerance`. */
function flattenContour(contour: RawContour, tolerance: number): Float32Array {
  const { xs, ys, onCurve } = contour;
  const n = xs.length;
  const out: number[] = [];
  // Start at an on-curve point, or at the implied midpoint when every point is off-curve.
  let startIndex = onCurve.indexOf(true);
  let sx: number;
  let sy: number;
  if (startIndex >= 0) {
    sx = xs[startIndex]!;
    sy = ys[startIndex]!;
  } else {
    startIndex = 0;
    sx = (xs[0]! + xs[1 % n]!) / 2;
    sy = (ys[0]! + ys[1 % n]!) / 2;
  }
  out.push(sx, sy);
  let px = sx;
  let py = sy;
  let control: [number, number] | null = null;
  const quadTo = (cx: number, cy: number, x: number, y: number): void => {
    const ddx = px - 2 * cx + x;
    const ddy = py - 2 * cy + y;
    // Max deviation of a quadratic from n uniform chords is |p0 - 2c + p1| / (8 n^2).
    const steps = Math.max(1, Math.ceil(Math.sqrt(Math.hypot(ddx, ddy) / (8 * tolerance))));
    for (let s = 1; s <= steps; s++) {
      const t = s / steps;
      const u = 1 - t;
      out.push(u * u * px + 2 * u * t * cx + t * t * x, u * u * py + 2 * u * t * cy + t * t * y);
    }
    px = x;
    py = y;
  };
  for (let k = 1; k <= n; k++) {
    const i = (startIndex + k) % n;
    const x = xs[i]!;
    const y = ys[i]!;
    if (onCurve[i]) {
      if (control) {
        quadTo(control[0], control[1], x, y);
        control = null;
      } else {
        out.push(x, y);
        px = x;
        py = y;
      }
    } else if (control) {
      const mx = (control[0] + x) / 2;
      const my = (control[1] + y) / 2;
      quadTo(control[0], control[1], mx, my);
      control = [x, y];
    } else {
      control = [x, y];
    }
  }
  if (control) {
    quadTo(control[0], control[1], sx, sy);
  }
  // The walk ends back at the start point; drop the duplicate so the polygon closes implicitly.
  if (out.length >= 4 && out[out.length - 2] === sx && out[out.length - 1] === sy) {
    out.length -= 2;
  }
  return Float32Array.from(out);
}

/**
 * Reads the outlines of `characters` from a TrueType font file.
 * Curves are flattened to within `unitsPerEm / 2048 * toleranceUnits` font units (default: 2 units
 * at 2048 upem, well under 0.1 px at the sizes digits are drawn). Characters the font lacks map to
 * its .notdef glyph. Throws if the file is not a glyf-outline TrueType font.
 */
export function readGlyphOutlines(bytes: Uint8Array, characters: string, toleranceUnits = 2): { unitsPerEm: number; glyphs: Map<string, GlyphOutline> } {
  const font = readTables(bytes);
  const { view, tables } = font;
  const numberOfHMetrics = view.getUint16(tables.get('hhea')! + 34);
  const hmtx = tables.get('hmtx')!;
  const tolerance = (font.unitsPerEm / 2048) * toleranceUnits;
  const glyphs = new Map<string, GlyphOutline>();
  for (const character of characters) {
    const glyph = glyphIndexFor(font, character.codePointAt(0)!);
    const contours = readGlyphContours(font, glyph).map((c) => flattenContour(c, tolerance));
    let [xMin, yMin, xMax, yMax] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const contour of contours) {
      for (let i = 0; i < contour.length; i += 2) {
        xMin = Math.min(xMin, contour[i]!);
        xMax = Math.max(xMax, contour[i]!);
        yMin = Math.min(yMin, contour[i + 1]!);
        yMax = Math.max(yMax, contour[i + 1]!);
      }
    }
    const advance = view.getUint16(hmtx + Math.min(glyph, numberOfHMetrics - 1) * 4);
    glyphs.set(
      character,
      contours.length > 0
        ? { contours, advance, xMin, yMin, xMax, yMax }
        : {
            contours,
            advance,
            xMin: 0,
            yMin: 0,
            xMax: 0,
            yMax: 0,
          },
    );
  }
  return { unitsPerEm: font.unitsPerEm, glyphs };
}
