// Colours, backgrounds and compositing for the synthetic source domain: the clutter that makes
// printed digits look like SVHN house-number crops rather than clean glyphs on a flat field.
import type { SeededRandom } from '../lib/random/index.ts';

export type Rgb = readonly [number, number, number];

/** Rec. 601 luma of a linear RGB triple in [0, 1]. */
export function luminance(c: Rgb): number {
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
}

/**
 * A random colour whose luminance is exactly `target` (in [0, 1]): a random hue is darkened toward
 * black or lightened toward white, then blended toward grey by `1 - saturation`. Exact luminance is
 * what lets the generator guarantee digit/background contrast without rejection sampling.
 */
export function colourWithLuminance(random: SeededRandom, target: number, saturation: number): Rgb {
  const base: Rgb = [random.next(), random.next(), random.next()];
  const l = Math.min(Math.max(luminance(base), 1e-3), 1 - 1e-3);
  const shaded = base.map((v) => (target <= l ? v * (target / l) : 1 - (1 - v) * ((1 - target) / (1 - l))));
  return shaded.map((v) => target + saturation * (v - target)) as unknown as Rgb;
}

/** Fills the image with a linear gradient from `from` to `to` along direction `angle` (radians). */
export function paintLinearGradient(rgb: Float32Array, width: number, height: number, from: Rgb, to: Rgb, angle: number): void {
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  // Project corners so the gradient spans exactly the image along its direction.
  const extent = (Math.abs(dx) * (width - 1) + Math.abs(dy) * (height - 1)) / 2 || 1;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (((x - cx) * dx + (y - cy) * dy) / extent + 1) / 2;
      const at = (y * width + x) * 3;
      rgb[at] = from[0] + t * (to[0] - from[0]);
      rgb[at + 1] = from[1] + t * (to[1] - from[1]);
      rgb[at + 2] = from[2] + t * (to[2] - from[2]);
    }
  }
}

/**
 * Adds smooth grey "value noise" (random values on a `cells x cells` grid, bilinearly interpolated):
 * stains, shading and wall texture. `amplitude` is the peak offset added to every channel.
 */
export function addValueNoise(rgb: Float32Array, width: number, height: number, random: SeededRandom, amplitude: number, cells: number): void {
  const side = cells + 1;
  const grid = new Float32Array(side * side);
  for (let i = 0; i < grid.length; i++) {
    grid[i] = (random.next() * 2 - 1) * amplitude;
  }
  for (let y = 0; y < height; y++) {
    const gy = (y / Math.max(1, height - 1)) * cells;
    const y0 = Math.min(cells - 1, Math.floor(gy));
    const fy = gy - y0;
    for (let x = 0; x < width; x++) {
      const gx = (x / Math.max(1, width - 1)) * cells;
      const x0 = Math.min(cells - 1, Math.floor(gx));
      const fx = gx - x0;
      const top = grid[y0 * side + x0]! * (1 - fx) + grid[y0 * side + x0 + 1]! * fx;
      const bottom = grid[(y0 + 1) * side + x0]! * (1 - fx) + grid[(y0 + 1) * side + x0 + 1]! * fx;
      const v = top * (1 - fy) + bottom * fy;
      const at = (y * width + x) * 3;
      rgb[at] = rgb[at]! + v;
      rgb[at + 1] = rgb[at + 1]! + v;
      rgb[at + 2] = rgb[at + 2]! + v;
    }
  }
}

/**
 * Paints `colour` over the image through a coverage mask (`width * height`, values in [0, 1]) with
 * overall opacity `alpha`; the mask is read shifted by whole pixels (`dx`, `dy`), e.g. for a shadow.
 */
export function compositeMask(rgb: Float32Array, mask: Float32Array, width: number, height: number, colour: Rgb, alpha: number, dx = 0, dy = 0): void {
  for (let y = 0; y < height; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= height) {
      continue;
    }
    for (let x = 0; x < width; x++) {
      const sx = x - dx;
      if (sx < 0 || sx >= width) {
        continue;
      }
      const a = mask[sy * width + sx]! * alpha;
      if (a <= 0) {
        continue;
      }
      const at = (y * width + x) * 3;
      rgb[at] = rgb[at]! + a * (colour[0] - rgb[at]!);
      rgb[at + 1] = rgb[at + 1]! + a * (colour[1] - rgb[at + 1]!);
      rgb[at + 2] = rgb[at + 2]! + a * (colour[2] - rgb[at + 2]!);
    }
  }
}

/** A rectangle centred at (cx, cy) with half-sizes (hw, hh), rotated by `angle` radians. */
export function rectanglePolygon(cx: number, cy: number, hw: number, hh: number, angle: number): Float32Array {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const corners = [
    [-hw, -hh],
    [hw, -hh],
    [hw, hh],
    [-hw, hh],
  ] as const;
  return Float32Array.from(corners.flatMap(([x, y]) => [cx + c * x - s * y, cy + s * x + c * y]));
}

/** An ellipse centred at (cx, cy) with radii (rx, ry), rotated by `angle`, as a `segments`-gon. */
export function ellipsePolygon(cx: number, cy: number, rx: number, ry: number, angle: number, segments = 24): Float32Array {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const out = new Float32Array(segments * 2);
  for (let i = 0; i < segments; i++) {
    const t = (i / segments) * 2 * Math.PI;
    const x = rx * Math.cos(t);
    const y = ry * Math.sin(t);
    out[i * 2] = cx + c * x - s * y;
    out[i * 2 + 1] = cy + s * x + c * y;
  }
  return out;
}
