// TrueType table reading for glyph outlines: the table directory, a Unicode cmap (format 4 or 12),
// loca and glyf, including composite glyphs. No hinting, no kerning: digits are drawn from outlines only.

/** A contour as TrueType stores it: quadratic B-spline points, on- or off-curve. */
export interface RawContour {
  xs: number[];
  ys: number[];
  onCurve: boolean[];
}

export interface FontTables {
  view: DataView;
  tables: Map<string, number>;
  unitsPerEm: number;
}

/** Indexes the table directory; throws for non-TrueType data or a font missing an outline table. */
export function readTables(bytes: Uint8Array): FontTables {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(0);
  if (version !== 0x00010000 && version !== 0x74727565) {
    throw new Error(`Not a TrueType-outline font (sfnt version 0x${version.toString(16)}). Pass a .ttf with glyf outlines.`);
  }
  const tables = new Map<string, number>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const record = 12 + i * 16;
    const tag = String.fromCharCode(bytes[record]!, bytes[record + 1]!, bytes[record + 2]!, bytes[record + 3]!);
    tables.set(tag, view.getUint32(record + 8));
  }
  for (const tag of ['head', 'maxp', 'cmap', 'loca', 'glyf', 'hhea', 'hmtx']) {
    if (!tables.has(tag)) {
      throw new Error(`Font is missing its '${tag}' table. Pass a complete TrueType font.`);
    }
  }
  return { view, tables, unitsPerEm: view.getUint16(tables.get('head')! + 18) };
}

/** Glyph index for a code point via a Unicode cmap subtable (format 4 or 12); 0 (.notdef) if absent. */
export function glyphIndexFor(font: FontTables, codePoint: number): number {
  const { view } = font;
  const cmap = font.tables.get('cmap')!;
  const numSubtables = view.getUint16(cmap + 2);
  for (let i = 0; i < numSubtables; i++) {
    const platform = view.getUint16(cmap + 4 + i * 8);
    const encoding = view.getUint16(cmap + 6 + i * 8);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) {
      continue;
    }
    const sub = cmap + view.getUint32(cmap + 8 + i * 8);
    const format = view.getUint16(sub);
    if (format === 4) {
      const segCount = view.getUint16(sub + 6) / 2;
      const ends = sub + 14;
      const starts = ends + segCount * 2 + 2;
      const deltas = starts + segCount * 2;
      const rangeOffsets = deltas + segCount * 2;
      for (let s = 0; s < segCount; s++) {
        if (view.getUint16(ends + s * 2) < codePoint) {
          continue;
        }
        const start = view.getUint16(starts + s * 2);
        if (start > codePoint) {
          break;
        }
        const delta = view.getInt16(deltas + s * 2);
        const rangeOffset = view.getUint16(rangeOffsets + s * 2);
        if (rangeOffset === 0) {
          return (codePoint + delta) & 0xffff;
        }
        // The spec's offset is relative to the idRangeOffset entry's own position.
        const glyph = view.getUint16(rangeOffsets + s * 2 + rangeOffset + (codePoint - start) * 2);
        return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
      }
    } else if (format === 12) {
      const groups = view.getUint32(sub + 12);
      for (let g = 0; g < groups; g++) {
        const at = sub + 16 + g * 12;
        const first = view.getUint32(at);
        if (codePoint >= first && codePoint <= view.getUint32(at + 4)) {
          return view.getUint32(at + 8) + (codePoint - first);
        }
      }
    }
  }
  return 0;
}

function glyphRange(font: FontTables, glyph: number): [number, number] {
  const { view, tables } = font;
  const longOffsets = view.getInt16(tables.get('head')! + 50) === 1;
  const loca = tables.get('loca')!;
  const glyf = tables.get('glyf')!;
  if (longOffsets) {
    return [glyf + view.getUint32(loca + glyph * 4), glyf + view.getUint32(loca + glyph * 4 + 4)];
  }
  return [glyf + view.getUint16(loca + glyph * 2) * 2, glyf + view.getUint16(loca + glyph * 2 + 2) * 2];
}

function readSimpleGlyph(view: DataView, at: number, numContours: number): RawContour[] {
  const ends: number[] = [];
  for (let c = 0; c < numContours; c++) {
    ends.push(view.getUint16(at + 10 + c * 2));
  }
  const numPoints = numContours === 0 ? 0 : ends[numContours - 1]! + 1;
  let p = at + 10 + numContours * 2;
  p += 2 + view.getUint16(p); // skip hinting instructions
  const flags: number[] = [];
  while (flags.length < numPoints) {
    const flag = view.getUint8(p++);
    flags.push(flag);
    if (flag & 8) {
      for (let repeat = view.getUint8(p++); repeat > 0; repeat--) {
        flags.push(flag);
      }
    }
  }
  const readAxis = (shortBit: number, sameOrPositiveBit: number): number[] => {
    const values: number[] = [];
    let value = 0;
    for (let i = 0; i < numPoints; i++) {
      const flag = flags[i]!;
      if (flag & shortBit) {
        const d = view.getUint8(p++);
        value += flag & sameOrPositiveBit ? d : -d;
      } else if (!(flag & sameOrPositiveBit)) {
        value += view.getInt16(p);
        p += 2;
      }
      values.push(value);
    }
    return values;
  };
  const xs = readAxis(2, 16);
  const ys = readAxis(4, 32);
  const contours: RawContour[] = [];
  let first = 0;
  for (const end of ends) {
    contours.push({
      xs: xs.slice(first, end + 1),
      ys: ys.slice(first, end + 1),
      onCurve: flags.slice(first, end + 1).map((f) => (f & 1) === 1),
    });
    first = end + 1;
  }
  return contours;
}

/** The contours of glyph `glyph`, composites resolved (to a depth of 8); empty for a blank glyph. */
export function readGlyphContours(font: FontTables, glyph: number, depth = 0): RawContour[] {
  const { view } = font;
  const [start, end] = glyphRange(font, glyph);
  if (end <= start || depth > 8) {
    return [];
  }
  const numContours = view.getInt16(start);
  if (numContours >= 0) {
    return readSimpleGlyph(view, start, numContours);
  }
  // Composite glyph: affine-transformed components; affine maps keep quadratic splines exact.
  const contours: RawContour[] = [];
  let p = start + 10;
  for (let more = true; more;) {
    const flags = view.getUint16(p);
    const component = view.getUint16(p + 2);
    p += 4;
    let dx = 0;
    let dy = 0;
    if (flags & 1) {
      dx = view.getInt16(p);
      dy = view.getInt16(p + 2);
      p += 4;
    } else {
      dx = view.getInt8(p);
      dy = view.getInt8(p + 1);
      p += 2;
    }
    if (!(flags & 2)) {
      dx = 0; // point-matched placement is not used by digit glyphs; keep the component unshifted
      dy = 0;
    }
    let [a, b, c, d] = [1, 0, 0, 1];
    const f2dot14 = (at: number): number => view.getInt16(at) / 16384;
    if (flags & 8) {
      a = d = f2dot14(p);
      p += 2;
    } else if (flags & 0x40) {
      a = f2dot14(p);
      d = f2dot14(p + 2);
      p += 4;
    } else if (flags & 0x80) {
      [a, b, c, d] = [f2dot14(p), f2dot14(p + 2), f2dot14(p + 4), f2dot14(p + 6)];
      p += 8;
    }
    for (const part of readGlyphContours(font, component, depth + 1)) {
      contours.push({
        xs: part.xs.map((x, i) => a * x + c * part.ys[i]! + dx),
        ys: part.ys.map((y, i) => b * part.xs[i]! + d * y + dy),
        onCurve: part.onCurve,
      });
    }
    more = (flags & 0x20) !== 0;
  }
  return contours;
}
