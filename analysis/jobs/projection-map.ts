// A checkpoint's DVI boundary map as stored: the R x R PNG drawn under the scatter, and a coarse grid of every
// class's probability over the same area, so the dashboard can answer a click on an empty spot without tfjs.
import { classPalette } from '../../core/class-palette.ts';
import type { ProjectionMap } from '../../core/projection-protocol.ts';
import { boundaryMap, decode, type Classify, type VisualisationModel } from '../../lib/dvi/index.ts';
import { encodePng } from '../../lib/png/index.ts';

/**
 * Cells per side of the probability grid. 50 x 50 x 10 classes is 25,000 bytes; the map's 200 cells per side
 * would be 400,000, for a value the dashboard interpolates bilinearly between cell centres anyway.
 */
export const PROBABILITY_RESOLUTION = 50;

/** The map of `layout` (n x 2, instances and boundary points) under `model`, classified by `classify`. */
export async function projectionMap(
  layout: Float32Array,
  model: VisualisationModel,
  classify: Classify,
  classCount: number,
  resolution: number,
): Promise<{ view: ProjectionMap; png: Buffer }> {
  const toRows = (points: Float32Array) => decode(model, points);
  // The dashboard's class colours, so a point and the region it sits in have one colour.
  const map = await boundaryMap(layout, toRows, classify, { resolution, classColours: classPalette(classCount) });
  const { bounds } = map;
  const p = PROBABILITY_RESOLUTION;
  const centres = new Float32Array(2 * p * p);
  for (let cell = 0; cell < p * p; cell++) {
    const row = Math.floor(cell / p);
    centres[2 * cell] = bounds.minX + ((cell - row * p + 0.5) * (bounds.maxX - bounds.minX)) / p;
    centres[2 * cell + 1] = bounds.maxY - ((row + 0.5) * (bounds.maxY - bounds.minY)) / p;
  }
  const probabilities = await classify(await toRows(centres), p * p);
  const bytes = Uint8Array.from(probabilities, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
  return {
    view: {
      resolution: map.resolution,
      bounds: { minX: bounds.minX, maxX: bounds.maxX, minY: bounds.minY, maxY: bounds.maxY },
      probabilityResolution: p,
      classCount,
      probabilities: Buffer.from(bytes).toString('base64'),
    },
    png: encodePng(map.rgb, map.resolution, map.resolution),
  };
}
