// Geometry of the zig-zag network diagram (paper Figure 4): one similarity matrix per layer, alternately above
// and below a band; each matrix's target axis faces the band, and the important weights cross it as links.
import type { LayerName } from '../../monitor/protocol.ts';
import type { SimilarityMatrix, WeightLink } from './network-model.ts';

/** Pixel sizes: a matrix cell, a slot for a weight end that is not an important neuron, label room, the band. */
export const NETWORK_GEOMETRY = { cell: 12, extraSlot: 9, label: 22, band: 96, sourceLabel: 26, caption: 16, margin: 8 } as const;

export interface AxisSlot {
  neuron: number;
  /** Centre of the slot. */
  x: number;
  /** Column in the matrix, -1 for a weight end that is not one of the layer's important neurons. */
  column: number;
}

export interface MatrixLayout {
  layer: LayerName;
  /** Position in the laid-out range: even ones sit above the band, odd ones below. */
  index: number;
  above: boolean;
  x: number;
  y: number;
  /** Of the cells only; the target axis also holds the extra slots right of them. */
  width: number;
  height: number;
  axisWidth: number;
  /** Where target labels start (at the matrix edge facing the band); links attach at `linkY`. */
  axisY: number;
  linkY: number;
  targetAxis: AxisSlot[];
  matrix: SimilarityMatrix;
}

export interface LinkLayout {
  /** Index of the matrix the link leaves from (it ends at `fromMatrix + 1`). */
  fromMatrix: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  link: WeightLink;
}

export interface NetworkLayout {
  width: number;
  height: number;
  matrices: MatrixLayout[];
  links: LinkLayout[];
}

export interface LayerInput {
  layer: LayerName;
  matrix: SimilarityMatrix;
}

/**
 * Lays out `layers` (consecutive) and `links[i]` (the weights from layer i to i + 1, so one fewer list).
 * Weight ends that are not important neurons get narrow extra slots right of the matrix, so every link has
 * both ends on an axis. Empty input gives an empty layout.
 */
export function layoutNetwork(layers: readonly LayerInput[], links: readonly (readonly WeightLink[])[]): NetworkLayout {
  const g = NETWORK_GEOMETRY;
  const extras = layers.map((input, i) => {
    const important = new Set(input.matrix.targets);
    const ends = [...(links[i - 1] ?? []).map((l) => l.to), ...(links[i] ?? []).map((l) => l.from)];
    return [...new Set(ends.filter((n) => !important.has(n)))].sort((a, b) => a - b);
  });
  const sizes = layers.map((input, i) => {
    const width = input.matrix.targets.length * g.cell;
    return { width, height: input.matrix.sources.length * g.cell, axisWidth: width + (extras[i]?.length ?? 0) * g.extraSlot };
  });
  const tallestAbove = Math.max(0, ...sizes.filter((_, i) => i % 2 === 0).map((s) => s.height));
  const tallestBelow = Math.max(0, ...sizes.filter((_, i) => i % 2 === 1).map((s) => s.height));
  const bandTop = g.margin + g.caption + tallestAbove;
  const bandBottom = bandTop + g.band;

  // Each matrix starts half-way along the previous one (the diagonal), but clear of the one before that,
  // which shares its side of the band.
  const xs: number[] = [];
  for (let i = 0; i < sizes.length; i += 1) {
    const previous = sizes[i - 1];
    const sameSide = sizes[i - 2];
    xs.push(Math.max(
      g.margin + g.sourceLabel,
      previous ? xs[i - 1]! + Math.max(previous.axisWidth / 2, g.sourceLabel) : 0,
      sameSide ? xs[i - 2]! + sameSide.axisWidth + g.sourceLabel + 14 : 0,
    ));
  }

  const matrices: MatrixLayout[] = layers.map((input, i) => {
    const size = sizes[i]!;
    const above = i % 2 === 0;
    const x = xs[i]!;
    const targetAxis: AxisSlot[] = [
      ...input.matrix.targets.map((neuron, column) => ({ neuron, column, x: x + (column + 0.5) * g.cell })),
      ...(extras[i] ?? []).map((neuron, k) => ({ neuron, column: -1, x: x + size.width + (k + 0.5) * g.extraSlot })),
    ];
    return {
      layer: input.layer,
      index: i,
      above,
      x,
      y: above ? bandTop - size.height : bandBottom,
      ...size,
      axisY: above ? bandTop : bandBottom,
      linkY: above ? bandTop + g.label : bandBottom - g.label,
      targetAxis,
      matrix: input.matrix,
    };
  });

  const slotX = (m: MatrixLayout, neuron: number): number => m.targetAxis.find((s) => s.neuron === neuron)?.x ?? m.x;
  const linkLayouts = links.slice(0, Math.max(0, matrices.length - 1)).flatMap((list, i) => {
    const from = matrices[i]!;
    const to = matrices[i + 1]!;
    return list.map((link) => ({ fromMatrix: i, x1: slotX(from, link.from), y1: from.linkY, x2: slotX(to, link.to), y2: to.linkY, link }));
  });

  return {
    width: Math.max(0, ...matrices.map((m) => m.x + m.axisWidth)) + g.margin,
    height: bandBottom + tallestBelow + g.caption + g.margin,
    matrices,
    links: linkLayouts,
  };
}
