// Antialiased polygon fill for glyph masks: nonzero winding, several sub-scanlines per pixel row and
// exact horizontal span coverage, so a 32 px digit looks like a font renderer's output, not a blob.

/**
 * Reusable buffers for `fillPolygons`; one per image size, so rendering 10,000 images allocates once.
 */
export class CoverageRaster {
  readonly width: number;
  readonly height: number;
  /** Sub-scanlines per pixel row (vertical supersampling); horizontal coverage is exact. */
  readonly subsamples: number;
  /** Coverage in [0, 1] per pixel, row-major; `fillPolygons` accumulates into it. */
  readonly coverage: Float32Array;
  private starts: Int32Array;
  private cursor: Int32Array;
  private crossX = new Float32Array(256);
  private crossDir = new Int8Array(256);

  constructor(width: number, height: number, subsamples = 4) {
    this.width = width;
    this.height = height;
    this.subsamples = subsamples;
    this.coverage = new Float32Array(width * height);
    this.starts = new Int32Array(height * subsamples + 1);
    this.cursor = new Int32Array(height * subsamples + 1);
  }

  /** Zeroes the coverage buffer. */
  clear(): void {
    this.coverage.fill(0);
  }

  /**
   * Fills the union of closed polygons (pixel coordinates, y down, `[x0, y0, x1, y1, ...]`) under the
   * nonzero winding rule and adds its coverage to `coverage`, clamped to 1. Parts outside the raster
   * are clipped; empty input changes nothing.
   */
  fillPolygons(polygons: readonly Float32Array[]): void {
    const rows = this.height * this.subsamples;
    const step = 1 / this.subsamples;
    const starts = this.starts;
    starts.fill(0);
    // Pass 1 counts crossings per sub-scanline, pass 2 stores them: no per-edge allocation at all.
    for (let pass = 0; pass < 2; pass++) {
      if (pass === 1) {
        let total = 0;
        for (let r = 0; r <= rows; r++) {
          const n = starts[r]!;
          starts[r] = total;
          total += n;
        }
        if (total > this.crossX.length) {
          this.crossX = new Float32Array(total * 2);
          this.crossDir = new Int8Array(total * 2);
        }
      }
      const fill = this.cursor;
      if (pass === 1) {
        fill.set(starts);
      }
      for (const polygon of polygons) {
        const n = polygon.length;
        for (let i = 0; i < n; i += 2) {
          const x0 = polygon[i]!;
          const y0 = polygon[i + 1]!;
          const x1 = polygon[(i + 2) % n]!;
          const y1 = polygon[(i + 3) % n]!;
          if (y0 === y1) {
            continue;
          }
          const top = Math.min(y0, y1);
          const bottom = Math.max(y0, y1);
          // Sub-scanline r samples y = (r + 0.5) * step; take those with top <= y < bottom.
          const first = Math.max(0, Math.ceil(top * this.subsamples - 0.5));
          const last = Math.min(rows - 1, Math.ceil(bottom * this.subsamples - 0.5) - 1);
          if (pass === 0) {
            for (let r = first; r <= last; r++) {
              starts[r] = starts[r]! + 1;
            }
            continue;
          }
          const slope = (x1 - x0) / (y1 - y0);
          const dir = y1 > y0 ? 1 : -1;
          for (let r = first; r <= last; r++) {
            const at = fill[r]!;
            fill[r] = at + 1;
            this.crossX[at] = x0 + ((r + 0.5) * step - y0) * slope;
            this.crossDir[at] = dir;
          }
        }
      }
    }
    for (let r = 0; r < rows; r++) {
      this.fillScanline(r, starts[r]!, starts[r + 1]!, step);
    }
  }

  private fillScanline(r: number, from: number, to: number, weight: number): void {
    const xs = this.crossX;
    const dirs = this.crossDir;
    // Insertion sort: a glyph row crosses only a handful of edges.
    for (let i = from + 1; i < to; i++) {
      const x = xs[i]!;
      const d = dirs[i]!;
      let j = i - 1;
      while (j >= from && xs[j]! > x) {
        xs[j + 1] = xs[j]!;
        dirs[j + 1] = dirs[j]!;
        j--;
      }
      xs[j + 1] = x;
      dirs[j + 1] = d;
    }
    const rowOffset = Math.floor(r / this.subsamples) * this.width;
    let winding = 0;
    let spanStart = 0;
    for (let i = from; i < to; i++) {
      const before = winding;
      winding += dirs[i]!;
      if (before === 0 && winding !== 0) {
        spanStart = xs[i]!;
      } else if (before !== 0 && winding === 0) {
        this.addSpan(rowOffset, spanStart, xs[i]!, weight);
      }
    }
  }

  private addSpan(rowOffset: number, xa: number, xb: number, weight: number): void {
    const a = Math.max(0, xa);
    const b = Math.min(this.width, xb);
    if (b <= a) {
      return;
    }
    const cov = this.coverage;
    const ia = Math.floor(a);
    const ib = Math.floor(b);
    if (ia === ib) {
      cov[rowOffset + ia] = Math.min(1, cov[rowOffset + ia]! + (b - a) * weight);
      return;
    }
    cov[rowOffset + ia] = Math.min(1, cov[rowOffset + ia]! + (ia + 1 - a) * weight);
    for (let x = ia + 1; x < ib; x++) {
      cov[rowOffset + x] = Math.min(1, cov[rowOffset + x]! + weight);
    }
    if (ib < this.width) {
      cov[rowOffset + ib] = Math.min(1, cov[rowOffset + ib]! + (b - ib) * weight);
    }
  }
}
