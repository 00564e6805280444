// Pure shaping of the features analysis (paper §5.4) for the feature view: which checkpoint to show, the
// ranking order, which neurons get biplot arrows by default, and histogram bar geometry.
import type { EpochRecord } from '../../core/protocol.ts';
import type { FeatureNeuron } from '../../core/features-protocol.ts';
import { networkTarget } from './network-model.ts';

/** The checkpoint the feature view shows at `at`; `exact` is false when an earlier checkpoint stands in for it. */
export type FeatureTarget = { kind: 'none' } | { kind: 'checkpoint'; checkpoint: EpochRecord; exact: boolean };

/** The latest checkpoint at or before `at`. Unlike the network view, the first source checkpoint counts: one model suffices. */
export function featureTarget(epochs: readonly EpochRecord[], at: EpochRecord | null): FeatureTarget {
  const t = networkTarget(epochs, at);
  return t.kind === 'none' ? t : { kind: 'checkpoint', checkpoint: t.checkpoint, exact: t.exact };
}

export type SortOrder = 'descending' | 'ascending';

/** `layer:neuron`, unique within a class. */
export function neuronId(n: Pick<FeatureNeuron, 'layer' | 'neuron'>): string {
  return `${n.layer}:${n.neuron}`;
}

/**
 * The ranking list's order: by discriminability |weight| (the sign only says which domain high values point
 * to); descending puts domain-specific neurons first, ascending the shared, domain-invariant ones. Ties keep
 * the server's order (layer order, most important first), so the list never shuffles between equal rows.
 */
export function sortNeurons(neurons: readonly FeatureNeuron[], order: SortOrder): FeatureNeuron[] {
  const sign = order === 'descending' ? -1 : 1;
  return neurons
    .map((n, i) => ({ n, i }))
    .sort((a, b) => sign * (Math.abs(a.n.weight) - Math.abs(b.n.weight)) || a.i - b.i)
    .map(({ n }) => n);
}

/** Paper §5.4: the biplot shows the five most discriminative neurons unless the user picks others. */
export function defaultAxes(neurons: readonly FeatureNeuron[], count = 5): Set<string> {
  return new Set(
    sortNeurons(neurons, 'descending')
      .filter((n) => n.weight !== 0)
      .slice(0, count)
      .map(neuronId),
  );
}

export interface HistogramBar {
  x: number;
  width: number;
  /** Top edge and height in SVG units: source bars grow up from the axis, target bars down. */
  y: number;
  height: number;
  count: number;
  /** The bin's range of scaled conductance, for the tooltip. */
  from: number;
  to: number;
}

/** Bars of a mirrored histogram `width` wide and `height` tall (axis in the middle); both halves share one scale. */
export function histogramBars(
  source: readonly number[],
  target: readonly number[],
  width: number,
  height: number,
): { source: HistogramBar[]; target: HistogramBar[] } {
  const bins = Math.max(source.length, target.length);
  const peak = Math.max(1, ...source, ...target);
  const half = height / 2;
  const w = width / Math.max(1, bins);
  const bar = (count: number, b: number, up: boolean): HistogramBar => {
    const h = (count / peak) * half;
    return { x: b * w, width: Math.max(0.5, w - 0.5), y: up ? half - h : half, height: h, count, from: -1 + (2 * b) / bins, to: -1 + (2 * (b + 1)) / bins };
  };
  return { source: source.map((c, b) => bar(c, b, true)), target: target.map((c, b) => bar(c, b, false)) };
}

/** Mean of the plot's points: the biplot arrows start there, so they point through the cloud. */
export function centroid(x: readonly number[], y: readonly number[]): [number, number] {
  if (x.length === 0) {
    return [0, 0];
  }
  return [x.reduce((a, b) => a + b, 0) / x.length, y.reduce((a, b) => a + b, 0) / y.length];
}
