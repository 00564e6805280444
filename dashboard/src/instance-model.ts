// Pure shaping of a checkpoint's instance layout (paper §5.2) for the instance view: which points to draw,
// in which colour, where their images are, and how to read the trust numbers.
import { classCss } from '../../core/class-palette.ts';
import type { InstanceAtlasColumns, InstanceDomains, LaidOutInstances } from '../../core/instances-protocol.ts';

/** Split names by `domain` value, restated: the dashboard may import only types from the monitor. */
export const INSTANCE_SPLITS = ['source-validation', 'target-validation'] as const satisfies InstanceDomains;
/** Cells per row of the monitor's atlas PNG; typed as the monitor's constant, so the two cannot disagree. */
export const ATLAS_COLUMNS: InstanceAtlasColumns = 32;

export interface InstancePoint {
  /** Stable across checkpoints (`s12`, `t3`): ECharts matches points by it, so scrubbing moves them. */
  id: string;
  domain: 0 | 1;
  index: number;
  label: number;
  predicted: number;
  x: number;
  y: number;
}

/** A point's id: the instance's identity, its domain and split index, so the same at every checkpoint of a run. */
export function instanceId(domain: 0 | 1, index: number): string {
  return `${domain === 0 ? 's' : 't'}${index}`;
}

/** The layout's instances whose true class is in `classes`, in layout order. */
export function instancePoints(projection: LaidOutInstances, classes: ReadonlySet<number>): InstancePoint[] {
  const points: InstancePoint[] = [];
  for (let r = 0; r < projection.count; r++) {
    const label = projection.label[r]!;
    if (classes.has(label)) {
      const domain = projection.domain[r] === 1 ? 1 : 0;
      points.push({
        id: instanceId(domain, projection.index[r]!),
        domain,
        index: projection.index[r]!,
        label,
        predicted: projection.predicted[r]!,
        x: projection.x[r]!,
        y: projection.y[r]!,
      });
    }
  }
  return points;
}

/** Half the side of a square that holds every point of the layout with a 5% margin (1 for an empty layout). */
export function layoutExtent(projection: LaidOutInstances): number {
  let extent = 0;
  for (let r = 0; r < projection.count; r++) {
    extent = Math.max(extent, Math.abs(projection.x[r]!), Math.abs(projection.y[r]!));
  }
  return extent > 0 ? 1.05 * extent : 1;
}

/** The colour of class `c` (core's palette, which the stored DVI maps are drawn with too). */
export function classColor(c: number, classCount: number): string {
  return classCss(c, classCount);
}

export function instanceImageUrl(runId: string, domain: 0 | 1, index: number): string {
  return `/api/runs/${encodeURIComponent(runId)}/instances/${INSTANCE_SPLITS[domain]}/${index}.png`;
}

export function atlasUrl(runId: string, domain: 0 | 1): string {
  return `/api/runs/${encodeURIComponent(runId)}/instances/${INSTANCE_SPLITS[domain]}/atlas.png`;
}

/** Top-left pixel of instance `index` in its split's atlas, for images `width` x `height`. */
export function atlasCell(index: number, width: number, height: number): { x: number; y: number } {
  return { x: (index % ATLAS_COLUMNS) * width, y: Math.floor(index / ATLAS_COLUMNS) * height };
}

/** The trust indicator's words for a neighbour-preservation score (k = 15): how much to read into distances. */
export function trustLevel(preservation: number): 'good' | 'fair' | 'poor' {
  // A reading aid, not a standard: a random layout scores about k / n, a perfect one 1.
  return preservation >= 0.5 ? 'good' : preservation >= 0.3 ? 'fair' : 'poor';
}
