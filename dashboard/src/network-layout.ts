// Geometry of the network relation view's diagonal layout (paper §5.3.3, Figure 4): one similarity matrix per
// layer on the diagonal of a block grid, source and target sides alternating, so the weights between layer i
// and i+1 fill the corner block the two matrices share (alternately right of and below the diagonal).
import type { LayerName } from '../../core/protocol.ts';

/**
 * Pixel sizes: a matrix cell; the strip of a non-important region (histograms, boxplots); the lane before each
 * block row and column that holds neuron indices and captions; the outer margin (room for the last caption).
 */
export const NETWORK_GEOMETRY = { cell: 10, strip: 36, lane: 20, margin: 4, endMargin: 44 } as const;

/** One side of a block: a layer's important neurons of one model, then (when shown) the strip of all the others. */
export interface AxisLayout {
  layer: LayerName;
  side: 'source' | 'target';
  /** Important neurons, most important first: cell k spans [start + k * cell, start + (k + 1) * cell). */
  neurons: number[];
  start: number;
  /** Start of the strip of non-important neurons; equals `end` when the strip is hidden. */
  stripStart: number;
  end: number;
}

export interface BlockLayout {
  x: number;
  y: number;
  width: number;
  height: number;
  rows: AxisLayout;
  columns: AxisLayout;
}

export interface MatrixLayout extends BlockLayout {
  /** Position in the laid-out range. Even ones are transposed (target rows, source columns), odd ones are not. */
  index: number;
  layer: LayerName;
  transposed: boolean;
  caption: { x: number; y: number };
}

export interface WeightBlockLayout extends BlockLayout {
  /** The boundary joins matrix `index` and `index + 1`. */
  index: number;
  fromLayer: LayerName;
  toLayer: LayerName;
  /** True right of the diagonal (rows are layer i, the weights' `from` ends); below it rows are layer i+1. */
  rowsAreFrom: boolean;
}

/** Where an axis's neuron indices go: the lane beside the block that has that axis on its outer side. */
export interface AxisLabels {
  axis: AxisLayout;
  /** Matrix index the axis belongs to. */
  matrix: number;
  /** 'row' labels are right-aligned at x = `at`; 'column' labels read upwards from y = `at`. */
  orientation: 'row' | 'column';
  at: number;
}

export interface NetworkLayout {
  width: number;
  height: number;
  matrices: MatrixLayout[];
  weights: WeightBlockLayout[];
  labels: AxisLabels[];
}

export interface LayerInput {
  layer: LayerName;
  importantSource: number[];
  importantTarget: number[];
}

/**
 * Lays out consecutive `layers` on the diagonal: matrix p occupies block row p and block column p; the weights
 * from layer p to p+1 occupy block (p, p+1) when p is even and (p+1, p) when p is odd, which is where matrix
 * p's target side meets matrix p+1's target side. With `showOther` every axis gets its non-important strip.
 */
export function layoutNetwork(layers: readonly LayerInput[], showOther: boolean): NetworkLayout {
  const g = NETWORK_GEOMETRY;
  const strip = showOther ? g.strip : 0;
  const axisLength = (neurons: number[]): number => neurons.length * g.cell + strip;
  const transposed = (p: number): boolean => p % 2 === 0;
  const rowNeurons = (p: number): { side: 'source' | 'target'; neurons: number[] } => {
    const l = layers[p]!;
    return transposed(p) ? { side: 'target', neurons: l.importantTarget } : { side: 'source', neurons: l.importantSource };
  };
  const columnNeurons = (p: number): { side: 'source' | 'target'; neurons: number[] } => {
    const l = layers[p]!;
    return transposed(p) ? { side: 'source', neurons: l.importantSource } : { side: 'target', neurons: l.importantTarget };
  };

  // Block p starts after one lane per block up to it: lanes hold the labels and captions.
  const starts = (lengths: number[]): number[] => {
    const out: number[] = [];
    let at = g.margin;
    for (const length of lengths) {
      at += g.lane;
      out.push(at);
      at += length;
    }
    return out;
  };
  const xs = starts(layers.map((_, p) => axisLength(columnNeurons(p).neurons)));
  const ys = starts(layers.map((_, p) => axisLength(rowNeurons(p).neurons)));
  const axis = (p: number, kind: 'row' | 'column'): AxisLayout => {
    const { side, neurons } = kind === 'row' ? rowNeurons(p) : columnNeurons(p);
    const start = kind === 'row' ? ys[p]! : xs[p]!;
    return { layer: layers[p]!.layer, side, neurons, start, stripStart: start + neurons.length * g.cell, end: start + axisLength(neurons) };
  };

  const matrices = layers.map((l, p): MatrixLayout => {
    const rows = axis(p, 'row');
    const columns = axis(p, 'column');
    return {
      index: p,
      layer: l.layer,
      transposed: transposed(p),
      rows,
      columns,
      x: columns.start,
      y: rows.start,
      width: columns.end - columns.start,
      height: rows.end - rows.start,
      // Captions sit in the empty block beside the matrix: below it when transposed, right of it otherwise.
      caption: transposed(p) ? { x: columns.start, y: rows.end + 13 } : { x: columns.end + 4, y: rows.start + 9 },
    };
  });

  const weights = layers.slice(0, -1).map((l, p): WeightBlockLayout => {
    const from = matrices[p]!;
    const to = matrices[p + 1]!;
    // Right of the diagonal: layer p's target rows x layer p+1's target columns; below it the other way round.
    const [rows, columns] = transposed(p) ? [from.rows, to.columns] : [to.rows, from.columns];
    return {
      index: p,
      fromLayer: l.layer,
      toLayer: to.layer,
      rowsAreFrom: transposed(p),
      rows,
      columns,
      x: columns.start,
      y: rows.start,
      width: columns.end - columns.start,
      height: rows.end - rows.start,
    };
  });

  // A target axis is shared by its matrix and the weight blocks on both sides, so its indices go on the outer
  // side of the incoming weight block (of the matrix itself for the first layer); a source axis borders only its matrix.
  const labels = matrices.flatMap((m): AxisLabels[] => {
    const p = m.index;
    const rowAt = (column: number): number => xs[column]! - 2;
    const columnAt = (row: number): number => ys[row]! - 2;
    return m.transposed
      ? [
          { axis: m.rows, matrix: p, orientation: 'row', at: rowAt(Math.max(0, p - 1)) },
          { axis: m.columns, matrix: p, orientation: 'column', at: columnAt(p) },
        ]
      : [
          { axis: m.rows, matrix: p, orientation: 'row', at: rowAt(p) },
          { axis: m.columns, matrix: p, orientation: 'column', at: columnAt(p - 1) },
        ];
  });

  const last = matrices.at(-1);
  return {
    width: last ? last.x + last.width + g.endMargin : 0,
    height: last ? last.y + last.height + g.endMargin : 0,
    matrices,
    weights,
    labels,
  };
}

/** Centre of neuron cell `k` along an axis. */
export function cellCentre(axis: AxisLayout, k: number): number {
  return axis.start + (k + 0.5) * NETWORK_GEOMETRY.cell;
}
