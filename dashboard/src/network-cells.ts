// The network diagram's cells (similarity matrices and adjacency blocks, paper §5.3.3) painted on one canvas, and
// which cell a point of the diagram is on. A scrubber move changes every cell's colour: ~1,900 cells as SVG were
// ~4,700 elements whose attributes all changed (style recalculation, layout and paint of each); on a canvas they
// are one repaint. The SVG above the canvas keeps the labels, strips and frames, and asks `cellAt` on hover and click.
import type { NetworkBoundaryAbstraction, NetworkLayerAbstraction } from '../../core/network-protocol.ts';
import { SOURCE_COLOR, TARGET_COLOR } from './colors.ts';
import { NETWORK_GEOMETRY as G, type AxisLayout, type MatrixLayout, type NetworkLayout, type WeightBlockLayout } from './network-layout.ts';
import { similarityFill, similarityMatrix, weightCells, type WeightCell } from './network-model.ts';

/** What the diagram shows, as the SVG's props. */
export interface NetworkCellsInput {
  layout: NetworkLayout;
  layers: readonly NetworkLayerAbstraction[];
  boundaries: readonly (NetworkBoundaryAbstraction | null)[];
  showSource: boolean;
  /** A selected weight (important neuron indices at the block's ends) is outlined. */
  selectedWeight: { boundary: number; from: number; to: number } | null;
}

/** A cell of a similarity matrix (row, column positions in the block) or of a weight block (positions along its from/to axes). */
export type CellHit = { kind: 'matrix'; matrix: number; row: number; column: number } | { kind: 'weight'; boundary: number; from: number; to: number };

/** Position k along `axis` of the point `at`, or -1 outside its important cells. */
function positionOn(axis: AxisLayout, at: number): number {
  const k = Math.floor((at - axis.start) / G.cell);
  return at >= axis.start && k < axis.neurons.length ? k : -1;
}

/** The cell under diagram point (x, y) in layout pixels, or null between cells' blocks (lanes, strips, margins). */
export function cellAt(layout: NetworkLayout, x: number, y: number): CellHit | null {
  for (const m of layout.matrices) {
    const [row, column] = [positionOn(m.rows, y), positionOn(m.columns, x)];
    if (row >= 0 && column >= 0) {
      return { kind: 'matrix', matrix: m.index, row, column };
    }
  }
  for (const w of layout.weights) {
    const [row, column] = [positionOn(w.rows, y), positionOn(w.columns, x)];
    if (row >= 0 && column >= 0) {
      const [from, to] = w.rowsAreFrom ? [row, column] : [column, row];
      return { kind: 'weight', boundary: w.index, from, to };
    }
  }
  return null;
}

/** Top-left corner of a cell in layout pixels. */
export function cellOrigin(layout: NetworkLayout, hit: CellHit): { x: number; y: number } | null {
  const block = hit.kind === 'matrix' ? layout.matrices.find((m) => m.index === hit.matrix) : layout.weights.find((w) => w.index === hit.boundary);
  if (!block) {
    return null;
  }
  const [row, column] = hit.kind === 'matrix' ? [hit.row, hit.column] : (block as WeightBlockLayout).rowsAreFrom ? [hit.from, hit.to] : [hit.to, hit.from];
  return { x: block.columns.start + column * G.cell, y: block.rows.start + row * G.cell };
}

/** A matrix cell's neurons and similarity: cell (row, column) is S[source, target], rows are target neurons when transposed. */
export function matrixCell(m: MatrixLayout, layer: NetworkLayerAbstraction, row: number, column: number): { source: number; target: number; value: number } {
  const [s, t] = m.transposed ? [column, row] : [row, column];
  const columns = layer.importantNeurons.length;
  return { source: layer.importantSourceNeurons[s] ?? -1, target: layer.importantNeurons[t] ?? -1, value: layer.importantSimilarity[s * columns + t] ?? 0 };
}

/** The weights of a block by `from:to` neuron pair: the target's important ones, and which the source held important. */
export interface BlockWeights {
  target: Map<string, WeightCell>;
  source: Set<string>;
  maxCount: number;
}

export function blockWeights(w: WeightBlockLayout, boundary: NetworkBoundaryAbstraction): BlockWeights {
  const [fromAxis, toAxis] = w.rowsAreFrom ? [w.rows, w.columns] : [w.columns, w.rows];
  const cells = weightCells(boundary, fromAxis.neurons, toAxis.neurons);
  return {
    target: new Map(cells.target.map((c) => [`${c.from}:${c.to}`, c])),
    source: new Set(cells.source.map((c) => `${c.from}:${c.to}`)),
    maxCount: Math.max(1, ...cells.target.map((c) => c.count)),
  };
}

/** The neurons at a weight cell's ends, from its positions. */
export function weightEnds(w: WeightBlockLayout, from: number, to: number): { n1: number; n2: number } {
  const [fromAxis, toAxis] = w.rowsAreFrom ? [w.rows, w.columns] : [w.columns, w.rows];
  return { n1: fromAxis.neurons[from] ?? -1, n2: toAxis.neurons[to] ?? -1 };
}

/** The native tooltip of a cell, as the SVG cells had. */
export function cellTitle(input: NetworkCellsInput, hit: CellHit): string {
  if (hit.kind === 'matrix') {
    const m = input.layout.matrices.find((b) => b.index === hit.matrix);
    const layer = input.layers[hit.matrix];
    if (!m || !layer) {
      return '';
    }
    const c = matrixCell(m, layer, hit.row, hit.column);
    return `${m.layer}: source neuron ${c.source} vs target neuron ${c.target} (both important)\nsimilarity ${c.value.toFixed(3)}`;
  }
  const w = input.layout.weights.find((b) => b.index === hit.boundary);
  const boundary = input.boundaries[hit.boundary];
  if (!w || !boundary) {
    return '';
  }
  const { n1, n2 } = weightEnds(w, hit.from, hit.to);
  const weights = blockWeights(w, boundary);
  const t = weights.target.get(`${n1}:${n2}`);
  const lines = [
    `${w.fromLayer} ${n1} → ${w.toLayer} ${n2}`,
    t
      ? `important target weight: ${t.count} instances${t.inherited ? `, inherited from source ${t.sourceFrom} → ${t.sourceTo}` : ', not inherited'}`
      : 'not an important target weight',
  ];
  if (input.showSource) {
    lines.push(weights.source.has(`${n1}:${n2}`) ? 'important in the source model too' : 'not important in the source model');
  }
  lines.push('click for its weight map');
  return lines.join('\n');
}

/** How many cells of each kind were painted: the canvas carries them as data attributes (tests read what is drawn). */
export interface PaintedCells {
  matrixCells: number;
  weightCells: number;
  importantWeights: number;
  sourceWeights: number;
  inheritedWeights: number;
}

const EMPTY_WEIGHT = '#f1f3f6';

/** Paints every cell of `input` on `ctx` (layout pixels; the caller scales for the device) after clearing it. */
export function paintNetworkCells(ctx: CanvasRenderingContext2D, input: NetworkCellsInput): PaintedCells {
  const painted: PaintedCells = { matrixCells: 0, weightCells: 0, importantWeights: 0, sourceWeights: 0, inheritedWeights: 0 };
  ctx.clearRect(0, 0, input.layout.width, input.layout.height);
  const size = G.cell - 1;
  for (const m of input.layout.matrices) {
    const layer = input.layers[m.index];
    if (!layer) {
      continue;
    }
    const matrix = similarityMatrix(layer);
    for (let row = 0; row < m.rows.neurons.length; row++) {
      for (let column = 0; column < m.columns.neurons.length; column++) {
        const [s, t] = m.transposed ? [column, row] : [row, column];
        ctx.fillStyle = similarityFill(matrix.values[s]?.[t] ?? 0);
        ctx.fillRect(m.columns.start + column * G.cell, m.rows.start + row * G.cell, size, size);
        painted.matrixCells++;
      }
    }
  }
  for (const w of input.layout.weights) {
    const boundary = input.boundaries[w.index];
    if (!boundary) {
      continue;
    }
    const weights = blockWeights(w, boundary);
    const [fromAxis, toAxis] = w.rowsAreFrom ? [w.rows, w.columns] : [w.columns, w.rows];
    fromAxis.neurons.forEach((n1, i) => {
      toAxis.neurons.forEach((n2, j) => {
        const [row, column] = w.rowsAreFrom ? [i, j] : [j, i];
        const origin = { x: w.columns.start + column * G.cell, y: w.rows.start + row * G.cell };
        const target = weights.target.get(`${n1}:${n2}`);
        ctx.globalAlpha = target ? 0.3 + (0.7 * target.count) / weights.maxCount : 1;
        ctx.fillStyle = target ? TARGET_COLOR : EMPTY_WEIGHT;
        ctx.fillRect(origin.x, origin.y, size, size);
        ctx.globalAlpha = 1;
        painted.weightCells++;
        if (target) {
          painted.importantWeights++;
        }
        if (input.showSource && weights.source.has(`${n1}:${n2}`)) {
          ctx.strokeStyle = SOURCE_COLOR;
          ctx.lineWidth = 1.2;
          ctx.strokeRect(origin.x + 1.5, origin.y + 1.5, G.cell - 4, G.cell - 4);
          painted.sourceWeights++;
        }
        if (target?.inherited) {
          ctx.fillStyle = SOURCE_COLOR;
          ctx.beginPath();
          ctx.arc(origin.x + size / 2, origin.y + size / 2, 2, 0, 2 * Math.PI);
          ctx.fill();
          painted.inheritedWeights++;
        }
        const selected = input.selectedWeight;
        if (selected && selected.boundary === w.index && selected.from === n1 && selected.to === n2) {
          ctx.strokeStyle = '#222';
          ctx.lineWidth = 1;
          ctx.strokeRect(origin.x + 0.5, origin.y + 0.5, size - 1, size - 1);
        }
      });
    });
  }
  return painted;
}
