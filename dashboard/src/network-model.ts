// Pure shaping of a network abstraction (paper §5.3.3, Figure 4) for the network relation view: which
// checkpoint to show, the important x important regions of the similarity matrices and weights, peers, summaries.
import type { EpochRecord } from '../../core/protocol.ts';
import type {
  NetworkAbstraction,
  NetworkBoundaryAbstraction,
  NetworkClassAbstraction,
  NetworkLayerAbstraction,
  NetworkLayerLink,
} from '../../core/network-protocol.ts';

/**
 * The monitored layers of a result in model order: its `layers`, or for results stored before that field the
 * layers its classes list (a class without instances lists none).
 */
export function networkLayerNames(abstraction: NetworkAbstraction): string[] {
  return abstraction.layers ?? abstraction.classes.find((c) => c.layers.length > 0)?.layers.map((l) => l.layer) ?? [];
}

/**
 * The link between each consecutive pair of `layers` (one fewer than layers). A result without `links` was
 * stored for a chain (AlexNet), where every pair is direct; a pair its `links` lack has no boundary to show.
 */
export function networkLinks(abstraction: NetworkAbstraction, layers: readonly string[]): NetworkLayerLink[] {
  return layers.slice(1).map((toLayer, i): NetworkLayerLink => {
    const fromLayer = layers[i]!;
    if (!abstraction.links) {
      return { fromLayer, toLayer, direct: true };
    }
    const link = abstraction.links.find((l) => l.fromLayer === fromLayer && l.toLayer === toLayer);
    return link ?? { fromLayer, toLayer, direct: false, reason: `no link between ${fromLayer} and ${toLayer} was stored` };
  });
}

/** The tooltip of a pair drawn without weights: why only the two similarity matrices are shown. */
export function similarityOnlyText(link: NetworkLayerLink): string {
  return `similarity only: ${link.reason ?? `${link.toLayer} does not read ${link.fromLayer}'s output directly`}; no important weights between them`;
}

/** A class's layer by name, null when the class lists no such layer. */
export function classLayer(c: NetworkClassAbstraction, layer: string): NetworkLayerAbstraction | null {
  return c.layers.find((l) => l.layer === layer) ?? null;
}

/** A class's boundary between two layers (only direct links have one), null otherwise. */
export function classBoundary(c: NetworkClassAbstraction, fromLayer: string, toLayer: string): NetworkBoundaryAbstraction | null {
  return c.boundaries.find((b) => b.fromLayer === fromLayer && b.toLayer === toLayer) ?? null;
}

/** What the view can show at an epoch; `exact` is false when an earlier checkpoint stands in for it. */
export type NetworkTarget =
  { kind: 'none' } | { kind: 'first-source'; checkpoint: EpochRecord; exact: boolean } | { kind: 'checkpoint'; checkpoint: EpochRecord; exact: boolean };

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

export interface SimilarityMatrix {
  /** The source model's important neurons, most important first (the rows of S). */
  sources: number[];
  /** The target model's important neurons, most important first (the columns of S). */
  targets: number[];
  /** values[row][column]: similarity of `sources[row]` to `targets[column]`. */
  values: number[][];
}

/** The important x important region of a layer's S (paper Figure 4): the two models' own important neurons. */
export function similarityMatrix(layer: NetworkLayerAbstraction): SimilarityMatrix {
  const columns = layer.importantNeurons.length;
  return {
    sources: [...layer.importantSourceNeurons],
    targets: [...layer.importantNeurons],
    values: layer.importantSourceNeurons.map((_, r) => layer.importantSimilarity.slice(r * columns, (r + 1) * columns)),
  };
}

export interface SimilarNeuron {
  neuron: number;
  similarity: number;
}

/**
 * The five neurons of the other model most similar to important neuron `r` of model `side` (its position in
 * `importantNeurons` for the target, `importantSourceNeurons` for the source), most similar first.
 */
export function similarNeurons(layer: NetworkLayerAbstraction, side: 'source' | 'target', r: number): SimilarNeuron[] {
  const peers = (side === 'target' ? layer.similarSources : layer.similarTargets)[r];
  return peers ? peers.neurons.map((neuron, i) => ({ neuron, similarity: peers.values[i] ?? 0 })) : [];
}

/** An important target weight between two important neurons: one adjacency cell of Figure 4. */
export interface WeightCell {
  from: number;
  to: number;
  /** Instances whose own top k held the weight (0 for a source-only cell). */
  count: number;
  inherited: boolean;
  /** The most similar source neurons of the two ends (-1: none). */
  sourceFrom: number;
  sourceTo: number;
}

export interface WeightCells {
  /** The target model's important weights with both ends among the important neurons. */
  target: WeightCell[];
  /**
   * The source model's important weights between the same neuron indices (the target model started as a copy,
   * so index n is the same neuron before fine-tuning) with both ends among the target's important neurons.
   */
  source: { from: number; to: number; count: number }[];
}

/** The important x important region of a boundary, from its weight lists and the two layers' important neurons. */
export function weightCells(boundary: NetworkBoundaryAbstraction, importantFrom: readonly number[], importantTo: readonly number[]): WeightCells {
  const from = new Set(importantFrom);
  const to = new Set(importantTo);
  const { target, source, inheritance } = boundary;
  return {
    target: target.from.flatMap((n1, i) => {
      const n2 = target.to[i] ?? -1;
      return from.has(n1) && to.has(n2)
        ? [
            {
              from: n1,
              to: n2,
              count: target.count[i] ?? 0,
              inherited: inheritance.inherited[i] ?? false,
              sourceFrom: inheritance.sourceFrom[i] ?? -1,
              sourceTo: inheritance.sourceTo[i] ?? -1,
            },
          ]
        : [];
    }),
    source: source.from.flatMap((n1, i) => {
      const n2 = source.to[i] ?? -1;
      return from.has(n1) && to.has(n2) ? [{ from: n1, to: n2, count: source.count[i] ?? 0 }] : [];
    }),
  };
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
  const best = layer.importantNeurons.map((n) => layer.mostSimilarValue[n] ?? 0);
  const inherited = incoming?.inheritance.inherited ?? [];
  return {
    importantCount: layer.importantNeurons.length,
    meanBestSimilarity: best.length > 0 ? best.reduce((a, b) => a + b, 0) / best.length : null,
    inheritedShare: inherited.length > 0 ? inherited.filter(Boolean).length / inherited.length : null,
  };
}

/** One row of the layer overview: a layer's summary and the link into it from the layer before (null for the first). */
export interface LayerSummaryRow {
  layer: string;
  summary: LayerSummary;
  incoming: NetworkLayerLink | null;
}

/** A row per layer of `layers` that class `c` lists, in that order; a layer fed by a link that is not direct has no inherited share. */
export function layerSummaries(abstraction: NetworkAbstraction, c: NetworkClassAbstraction, layers: readonly string[]): LayerSummaryRow[] {
  const listed = layers.flatMap((name) => classLayer(c, name) ?? []);
  const links = networkLinks(
    abstraction,
    listed.map((l) => l.layer),
  );
  return listed.map((layer, i) => {
    const link = links[i - 1] ?? null;
    const boundary = link?.direct ? classBoundary(c, link.fromLayer, link.toLayer) : null;
    return { layer: layer.layer, summary: layerSummary(layer, boundary ?? undefined), incoming: link };
  });
}

/**
 * Fill of a similarity cell: white at or below 0, darkening to slate at 1 (red/blue stay reserved for domains).
 * Cubed, because cosine similarities of conductances crowd above 0.9: linear, 0.9 and 0.99 looked the same.
 */
export function similarityFill(value: number): string {
  const t = Math.min(1, Math.max(0, value)) ** 3;
  const channel = (from: number, to: number): number => Math.round(from + (to - from) * t);
  return `rgb(${channel(250, 45)}, ${channel(250, 55)}, ${channel(250, 72)})`;
}

/** Fill of a weight value on a diverging scale (purple negative, white 0, green positive; red/blue mean domains). */
export function weightFill(value: number, maxAbs: number): string {
  const t = maxAbs > 0 ? Math.max(-1, Math.min(1, value / maxAbs)) : 0;
  const [r, g, b] = t >= 0 ? [27, 120, 55] : [118, 42, 131];
  const mix = (c: number): number => Math.round(250 + (c - 250) * Math.abs(t));
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
}

/** URL of a neuron's feature visualisation (a PNG the monitor renders once per checkpoint and neuron). */
export function featureImageUrl(runId: string, phase: string, epoch: number, layer: string, neuron: number): string {
  return `/api/runs/${encodeURIComponent(runId)}/epochs/${phase}/${epoch}/layers/${layer}/neurons/${neuron}/feature.png`;
}
