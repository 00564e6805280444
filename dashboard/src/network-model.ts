// Pure shaping of a network abstraction (paper §5.3.3, Figure 4) for the network relation view: which
// checkpoint to show, the small per-layer similarity matrices, the important weights between them, summaries.
import type { EpochRecord, LayerName } from '../../monitor/protocol.ts';
import type { NetworkBoundaryAbstraction, NetworkLayerAbstraction } from '../../monitor/network-protocol.ts';

/** LAYER_NAMES of monitor/protocol.ts, restated: the dashboard may import only types from there. */
export const NETWORK_LAYERS = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8'] as const satisfies readonly LayerName[];

/** What the view can show at an epoch; `exact` is false when an earlier checkpoint stands in for it. */
export type NetworkTarget =
  | { kind: 'none' }
  | { kind: 'first-source'; checkpoint: EpochRecord; exact: boolean }
  | { kind: 'checkpoint'; checkpoint: EpochRecord; exact: boolean };

/**
 * The latest checkpoint at or before `at` (by step) in `epochs` (ordered by step). The first source checkpoint
 * has no earlier source model to compare with, so the monitor has no abstraction for it: `first-source`.
 */
export function networkTarget(epochs: readonly EpochRecord[], at: EpochRecord | null): NetworkTarget {
  if (!at) {
    return { kind: 'none' };
  }
  const checkpoints = epochs.filter((e) => e.checkpoint && e.step <= at.step);
  const checkpoint = checkpoints.at(-1);
  if (!checkpoint) {
    return { kind: 'none' };
  }
  const exact = checkpoint.step === at.step;
  const firstSource = epochs.find((e) => e.checkpoint && e.phase === 'source');
  return checkpoint.phase === 'source' && checkpoint.step === firstSource?.step
    ? { kind: 'first-source', checkpoint, exact }
    : { kind: 'checkpoint', checkpoint, exact };
}

/** Row `r` of S for the important target neuron `r`: its similarity to every source neuron. */
export function similarityRow(layer: NetworkLayerAbstraction, r: number): number[] {
  return layer.importantSimilarity.slice(r * layer.sourceNeurons, (r + 1) * layer.sourceNeurons);
}

function argmax(values: readonly number[]): number {
  let best = -1;
  let bestValue = -Infinity;
  for (const [i, v] of values.entries()) {
    if (v > bestValue) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

export interface SimilarityMatrix {
  /** Important target neurons, most important first (the columns). */
  targets: number[];
  /** Source neurons that are the most similar one for at least one important target neuron, ascending (the rows). */
  sources: number[];
  /** values[row][column]: similarity of `sources[row]` to `targets[column]`. */
  values: number[][];
}

/** The small matrix of one layer: only the source neurons some important target neuron is closest to. */
export function similarityMatrix(layer: NetworkLayerAbstraction): SimilarityMatrix {
  const rows = layer.importantNeurons.map((_, r) => similarityRow(layer, r));
  const sources = [...new Set(rows.map(argmax).filter((s) => s >= 0))].sort((a, b) => a - b);
  return {
    targets: [...layer.importantNeurons],
    sources,
    values: sources.map((s) => rows.map((row) => row[s] ?? 0)),
  };
}

export interface SimilarSource {
  neuron: number;
  similarity: number;
}

/** The `k` source neurons most similar to important target neuron `r`, most similar first (ties: lower index). */
export function mostSimilarSources(layer: NetworkLayerAbstraction, r: number, k = 5): SimilarSource[] {
  return similarityRow(layer, r)
    .map((similarity, neuron) => ({ neuron, similarity }))
    .sort((a, b) => b.similarity - a.similarity || a.neuron - b.neuron)
    .slice(0, k);
}

export interface WeightLink {
  from: number;
  to: number;
  count: number;
  inherited: boolean;
  /** The most similar source neurons of the two ends (-1: none). */
  sourceFrom: number;
  sourceTo: number;
}

/**
 * The `limit` most important target weights of a boundary with their inheritance: highest count first; among
 * equal counts (common with few instances) weights between important neurons first, then the server's order.
 */
export function topWeightLinks(
  boundary: NetworkBoundaryAbstraction,
  limit = 20,
  important: { from: ReadonlySet<number>; to: ReadonlySet<number> } = { from: new Set(), to: new Set() },
): WeightLink[] {
  const { target, inheritance } = boundary;
  const ends = (link: WeightLink): number => Number(important.from.has(link.from)) + Number(important.to.has(link.to));
  return target.from
    .map((from, i) => ({
      from,
      to: target.to[i] ?? -1,
      count: target.count[i] ?? 0,
      inherited: inheritance.inherited[i] ?? false,
      sourceFrom: inheritance.sourceFrom[i] ?? -1,
      sourceTo: inheritance.sourceTo[i] ?? -1,
    }))
    .sort((a, b) => b.count - a.count || ends(b) - ends(a))
    .slice(0, limit);
}

export interface LayerSummary {
  importantCount: number;
  /** Mean over important neurons of the similarity to their most similar source neuron; null without any. */
  meanBestSimilarity: number | null;
  /** Share of the important weights into this layer that were inherited; null for the first layer or none. */
  inheritedShare: number | null;
}

/** `incoming` is the boundary ending at this layer (its own kernel), undefined for the first layer. */
export function layerSummary(layer: NetworkLayerAbstraction, incoming: NetworkBoundaryAbstraction | undefined): LayerSummary {
  const best = layer.importantNeurons.map((_, r) => Math.max(...similarityRow(layer, r)));
  const inherited = incoming?.inheritance.inherited ?? [];
  return {
    importantCount: layer.importantNeurons.length,
    meanBestSimilarity: best.length > 0 ? best.reduce((a, b) => a + b, 0) / best.length : null,
    inheritedShare: inherited.length > 0 ? inherited.filter(Boolean).length / inherited.length : null,
  };
}

/** Fill of a similarity cell: white at or below 0, darkening to slate at 1 (red/blue stay reserved for domains). */
export function similarityFill(value: number): string {
  const t = Math.min(1, Math.max(0, value));
  const channel = (from: number, to: number): number => Math.round(from + (to - from) * t);
  return `rgb(${channel(250, 45)}, ${channel(250, 55)}, ${channel(250, 72)})`;
}

/** URL of a neuron's feature visualisation (a PNG the monitor renders once per checkpoint and neuron). */
export function featureImageUrl(runId: string, phase: string, epoch: number, layer: string, neuron: number): string {
  return `/api/runs/${encodeURIComponent(runId)}/epochs/${phase}/${epoch}/layers/${layer}/neurons/${neuron}/feature.png`;
}
