// DVI's background (§4.3): a grid over the layout decoded to the representation and classified by the model's own
// head, each cell in its class's hue, paler as the classifier is less sure, and white on the decision boundaries.
import type { Classify } from './boundary-points.ts';
import { runnerUpClass, topClass } from './class-scores.ts';

export interface BoundaryMapOptions {
  /** Cells per side, R (default 200, at most 400). */
  resolution?: number;
  /** Extra room around the layout's bounding box on each side, as a share of its extent (default 0.05). */
  margin?: number;
  /** Gap (top-1 minus top-2 probability) under which a cell is white (default 0.1, DVI's). */
  boundaryGap?: number;
  /** RGB bytes per class; default hues spread evenly around the colour wheel. */
  classColours?: readonly (readonly [number, number, number])[];
  /** Grid points decoded and classified per call (default 4,096). */
  batchSize?: number;
}

export interface BoundaryMap {
  resolution: number;
  /** The area covered, in layout units: image column 0 is minX, image row 0 is maxY (north up). */
  bounds: { minX: number; maxX: number; minY: number; maxY: number };
  /** R x R x 3 bytes, row-major from the top row, ready for lib/png's encodePng. */
  rgb: Uint8Array;
  /** Per cell, the predicted class and the top-1 minus top-2 probability gap. */
  classes: Int32Array;
  gaps: Float32Array;
}

export const MAX_RESOLUTION = 400;

/** A fully saturated colour of the given hue (degrees), as RGB in [0, 1]. */
export function hueColour(hue: number): [number, number, number] {
  const h = (((hue % 360) + 360) % 360) / 60;
  const x = 1 - Math.abs((h % 2) - 1);
  const table: [number, number, number][] = [
    [1, x, 0],
    [x, 1, 0],
    [0, 1, x],
    [0, x, 1],
    [x, 0, 1],
    [1, 0, x],
  ];
  return table[Math.min(5, Math.floor(h))]!;
}

/**
 * The colour of a cell: white when `gap` < boundaryGap; else the class colour blended with white, its share
 * (the saturation) rising linearly from 0.25 at the boundary gap to 1 at gap 1, so the white band stays visible.
 */
export function cellColour(colour: readonly [number, number, number], gap: number, boundaryGap: number): [number, number, number] {
  if (gap < boundaryGap) {
    return [255, 255, 255];
  }
  const saturation = 0.25 + (0.75 * (gap - boundaryGap)) / Math.max(1e-9, 1 - boundaryGap);
  return colour.map((c) => Math.round(255 - saturation * (255 - c))) as [number, number, number];
}

/**
 * The boundary map of `layout` (n x 2): R x R cell centres over its bounding box plus the margin, turned into
 * representations by `decode` (points: k x 2 -> k x d) and into probabilities by `classify` (k x d -> k x C),
 * batch by batch. Throws for R outside 1..400 or an empty layout.
 */
export async function boundaryMap(
  layout: Float32Array,
  decode: (points: Float32Array) => Promise<Float32Array>,
  classify: Classify,
  options: BoundaryMapOptions = {},
): Promise<BoundaryMap> {
  const { resolution = 200, margin = 0.05, boundaryGap = 0.1, batchSize = 4096 } = options;
  if (!Number.isInteger(resolution) || resolution < 1 || resolution > MAX_RESOLUTION) {
    throw new RangeError(`boundaryMap: got resolution ${resolution}. Pass a whole number from 1 to ${MAX_RESOLUTION}.`);
  }
  if (layout.length < 2 || layout.length % 2 !== 0) {
    throw new RangeError(`boundaryMap: the layout has ${layout.length} values. Pass the n x 2 layout of at least one point.`);
  }
  const bounds = paddedBounds(layout, margin);
  const cells = resolution * resolution;
  const rgb = new Uint8Array(cells * 3);
  const classes = new Int32Array(cells);
  const gaps = new Float32Array(cells);
  const stepX = (bounds.maxX - bounds.minX) / resolution;
  const stepY = (bounds.maxY - bounds.minY) / resolution;
  for (let start = 0; start < cells; start += batchSize) {
    const size = Math.min(batchSize, cells - start);
    const points = new Float32Array(2 * size);
    for (let k = 0; k < size; k++) {
      const cell = start + k;
      const row = Math.floor(cell / resolution);
      points[2 * k] = bounds.minX + (cell - row * resolution + 0.5) * stepX;
      points[2 * k + 1] = bounds.maxY - (row + 0.5) * stepY;
    }
    const probabilities = await classify(await decode(points), size);
    const classCount = probabilities.length / size;
    for (let k = 0; k < size; k++) {
      const top = topClass(probabilities, k, classCount);
      const second = runnerUpClass(probabilities, k, classCount, top);
      const gap = second < 0 ? 1 : probabilities[k * classCount + top]! - probabilities[k * classCount + second]!;
      const colour = options.classColours?.[top] ?? hueColour((360 * top) / classCount).map((v) => 255 * v);
      rgb.set(cellColour(colour as [number, number, number], gap, boundaryGap), (start + k) * 3);
      classes[start + k] = top;
      gaps[start + k] = gap;
    }
  }
  return { resolution, bounds, rgb, classes, gaps };
}

/** The layout's bounding box grown by `margin` of its extent on each side (by 1 unit when it has none). */
function paddedBounds(layout: Float32Array, margin: number): BoundaryMap['bounds'] {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < layout.length; i += 2) {
    minX = Math.min(minX, layout[i]!);
    maxX = Math.max(maxX, layout[i]!);
    minY = Math.min(minY, layout[i + 1]!);
    maxY = Math.max(maxY, layout[i + 1]!);
  }
  const padX = maxX > minX ? (maxX - minX) * margin : 1;
  const padY = maxY > minY ? (maxY - minY) * margin : 1;
  return { minX: minX - padX, maxX: maxX + padX, minY: minY - padY, maxY: maxY + padY };
}
