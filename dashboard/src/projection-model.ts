// Pure shaping of a checkpoint's DVI projection (DeepVisualInsight, issue 14) for the instance views: where its
// boundary map lies, which boundary points to draw, and the inverse: class probabilities at any spot of the map.
import type { LaidOutInstances } from '../../core/instances-protocol.ts';
import type { ExtraPointsResponse, ProjectionBounds, ProjectionMap, ProjectionView } from '../../core/projection-protocol.ts';
import { instanceId } from './instance-model.ts';
import type { EpochPin } from './epochs.ts';

/** A boundary point of the projection: where it lies, the two classes it lies between and their normalised gap. */
export interface BoundaryPoint {
  x: number;
  y: number;
  classA: number;
  classB: number;
  gap: number;
}

/** A training instance the projection was not fitted on, placed by its encoder: its index in the split, classes, place. */
export interface ExtraPoint {
  index: number;
  label: number;
  predicted: number;
  x: number;
  y: number;
}

/** The placed instances of `response` whose label is in `classes` (the server's answer holds exactly the classes asked for). */
export function extraPoints(response: ExtraPointsResponse, classes: ReadonlySet<number>): ExtraPoint[] {
  const points: ExtraPoint[] = [];
  for (let i = 0; i < response.count; i++) {
    if (classes.has(response.label[i]!)) {
      points.push({ index: response.index[i]!, label: response.label[i]!, predicted: response.predicted[i]!, x: response.x[i]!, y: response.y[i]! });
    }
  }
  return points;
}

/** The stored grid of class probabilities as bytes (p x 255), cell-major: cell (row, column), then class. */
export function decodeProbabilityGrid(map: ProjectionMap): Uint8Array {
  const text = atob(map.probabilities);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    bytes[i] = text.charCodeAt(i);
  }
  const expected = map.probabilityResolution ** 2 * map.classCount;
  if (bytes.length !== expected) {
    throw new Error(`The projection's probability grid holds ${bytes.length} values, not ${expected}: reload the page or recompute the projection.`);
  }
  return bytes;
}

/**
 * Class probabilities of the decoded point at layout position (x, y), interpolated bilinearly between the centres
 * of the grid's cells (clamped to the outermost centres) and scaled to sum to 1; null outside the map's bounds.
 */
export function probabilitiesAt(map: ProjectionMap, grid: Uint8Array, x: number, y: number): number[] | null {
  const { bounds, probabilityResolution: p, classCount } = map;
  if (!(x >= bounds.minX && x <= bounds.maxX && y >= bounds.minY && y <= bounds.maxY)) {
    return null;
  }
  // Row 0 is the top (maxY) row, as in the PNG; cell centres sit half a cell in from the edges.
  const column = clamp(((x - bounds.minX) / (bounds.maxX - bounds.minX)) * p - 0.5, 0, p - 1);
  const row = clamp(((bounds.maxY - y) / (bounds.maxY - bounds.minY)) * p - 0.5, 0, p - 1);
  const c0 = Math.floor(column);
  const r0 = Math.floor(row);
  const c1 = Math.min(c0 + 1, p - 1);
  const r1 = Math.min(r0 + 1, p - 1);
  const tc = column - c0;
  const tr = row - r0;
  const at = (r: number, c: number, k: number): number => grid[(r * p + c) * classCount + k]!;
  const values = Array.from(
    { length: classCount },
    (_, k) => (1 - tr) * ((1 - tc) * at(r0, c0, k) + tc * at(r0, c1, k)) + tr * ((1 - tc) * at(r1, c0, k) + tc * at(r1, c1, k)),
  );
  // Byte quantisation leaves sums of 0.98-1.02; shares that add up read better in the panel.
  const sum = values.reduce((s, v) => s + v, 0);
  return values.map((v) => (sum > 0 ? v / sum : 1 / classCount));
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * Share of the probability grid's cells whose top-1 minus top-2 probability is under `gap`: the part of the map drawn
 * white. A barely trained model is undecided everywhere, and a map that is all white needs saying so.
 */
export function undecidedShare(map: ProjectionMap, grid: Uint8Array, gap = 0.1): number {
  const cells = map.probabilityResolution ** 2;
  let undecided = 0;
  for (let cell = 0; cell < cells; cell++) {
    let first = 0;
    let second = 0;
    for (let k = 0; k < map.classCount; k++) {
      const v = grid[cell * map.classCount + k]!;
      if (v > first) {
        second = first;
        first = v;
      } else if (v > second) {
        second = v;
      }
    }
    if ((first - second) / 255 < gap) {
      undecided++;
    }
  }
  return cells > 0 ? undecided / cells : 0;
}

/** Classes by falling probability, the first `limit` of them. */
export function rankedClasses(probabilities: readonly number[], limit = probabilities.length): { classIndex: number; probability: number }[] {
  return probabilities
    .map((probability, classIndex) => ({ classIndex, probability }))
    .sort((a, b) => b.probability - a.probability || a.classIndex - b.classIndex)
    .slice(0, limit);
}

/** The square centred on `bounds` that holds them: the plot is square, and stretching an axis would distort the map. */
export function squareRange(bounds: ProjectionBounds): ProjectionBounds {
  const cx = (bounds.minX + bounds.maxX) / 2;
  const cy = (bounds.minY + bounds.maxY) / 2;
  const half = Math.max(bounds.maxX - bounds.minX, bounds.maxY - bounds.minY) / 2;
  return { minX: cx - half, maxX: cx + half, minY: cy - half, maxY: cy + half };
}

/** The projection's boundary points that lie between two classes of which at least one is in `classes`. */
export function boundaryPoints(view: ProjectionView, classes: ReadonlySet<number>): BoundaryPoint[] {
  const { boundary } = view;
  const points: BoundaryPoint[] = [];
  for (let i = 0; i < boundary.count; i++) {
    const classA = boundary.classA[i]!;
    const classB = boundary.classB[i]!;
    if (classes.has(classA) || classes.has(classB)) {
      points.push({ x: boundary.x[i]!, y: boundary.y[i]!, classA, classB, gap: boundary.gap[i]! });
    }
  }
  return points;
}

/** An instance whose point lies in another class's region of A's map at B than at A. */
export interface BoundaryCrossing {
  id: string;
  /** The class of A's map under the instance's place at A, and under its place at B. */
  regionA: number;
  regionB: number;
  /** Its true class: a crossing into the true class's region is an improvement. */
  label: number;
}

/** The most probable class of A's map at (x, y); null off the map. */
export function regionAt(map: ProjectionMap, grid: Uint8Array, x: number, y: number): number | null {
  const probabilities = probabilitiesAt(map, grid, x, y);
  return probabilities ? rankedClasses(probabilities, 1)[0]!.classIndex : null;
}

/**
 * The instances (pairs of rows of A and B, as matchInstances gives them) that crossed a decision boundary of A's map
 * between A's layout and B's, both read on A's map: DVI's temporal anchor keeps one run's projections in one frame,
 * so B's points can be drawn on A's map. Instances off the map at either place are left out.
 */
export function boundaryCrossings(
  map: ProjectionMap,
  grid: Uint8Array,
  a: LaidOutInstances,
  b: LaidOutInstances,
  pairs: { a: readonly number[]; b: readonly number[] },
): BoundaryCrossing[] {
  const crossings: BoundaryCrossing[] = [];
  pairs.a.forEach((ra, i) => {
    const rb = pairs.b[i]!;
    const regionA = regionAt(map, grid, a.x[ra]!, a.y[ra]!);
    const regionB = regionAt(map, grid, b.x[rb]!, b.y[rb]!);
    if (regionA !== null && regionB !== null && regionA !== regionB) {
      crossings.push({ id: instanceId(a.domain[ra] === 1 ? 1 : 0, a.index[ra]!), regionA, regionB, label: a.label[ra]! });
    }
  });
  return crossings;
}

/** The boundary map's PNG of a checkpoint (immutable once stored). */
export function projectionMapUrl(runId: string, at: EpochPin): string {
  return `/api/runs/${encodeURIComponent(runId)}/epochs/${at.phase}/${at.epoch}/projection/background.png`;
}
