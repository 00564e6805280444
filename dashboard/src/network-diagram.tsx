// The diagonal diagram of the network relation view (paper §5.3.3, Figure 4): per layer its similarity matrix split
// into four regions, and in the corners between them the weights in their four regions. The cells, whose colours all
// change with the checkpoint, are painted on a canvas under the SVG (network-cells.ts); the SVG keeps the labels,
// the non-important regions' marks and the frames, rendered by position (Index) so another checkpoint updates them,
// and gives the cell under the pointer its tooltip and click.
import { createEffect, createMemo, createSignal, Index, on, onMount, Show, type JSX } from 'solid-js';
import type { NetworkBoundaryAbstraction, NetworkLayerAbstraction, NetworkLayerLink } from '../../core/network-protocol.ts';
import { SOURCE_COLOR, TARGET_COLOR } from './colors.ts';
import {
  cellCentre,
  NETWORK_GEOMETRY as G,
  type AxisLabels,
  type AxisLayout,
  type NetworkLayout,
  type MatrixLayout,
  type WeightBlockLayout,
} from './network-layout.ts';
import { createVisibility } from './visibility.ts';
import { cellAt, cellOrigin, cellTitle, paintNetworkCells, weightEnds, type CellHit, type NetworkCellsInput, type PaintedCells } from './network-cells.ts';
import { similarityOnlyText } from './network-model.ts';
import { BoxplotMark, HistogramMark, type Rect } from './network-marks.tsx';

/** What a click picked: an important neuron of one model (its position in that model's important list) or a weight. */
export type DiagramPick =
  { kind: 'neuron'; matrix: number; side: 'source' | 'target'; position: number } | { kind: 'weight'; boundary: number; from: number; to: number };

export interface NetworkDiagramProps {
  layout: NetworkLayout;
  /** The laid-out layers, and per consecutive pair (one fewer) its link and its boundary (null unless direct). */
  layers: NetworkLayerAbstraction[];
  links: NetworkLayerLink[];
  boundaries: (NetworkBoundaryAbstraction | null)[];
  showOther: boolean;
  showSource: boolean;
  selected: DiagramPick | null;
  onPick: (pick: DiagramPick) => void;
}

/** The four regions of a block: important rows x important columns, and the strips' rectangles. */
function regions(b: { rows: AxisLayout; columns: AxisLayout }): { rowsStrip: Rect; columnsStrip: Rect; corner: Rect } {
  const { rows, columns } = b;
  return {
    // Important rows x the columns' strip, the rows' strip x important columns, strip x strip.
    columnsStrip: { x: columns.stripStart, y: rows.start, width: columns.end - columns.stripStart, height: rows.stripStart - rows.start },
    rowsStrip: { x: columns.start, y: rows.stripStart, width: columns.stripStart - columns.start, height: rows.end - rows.stripStart },
    corner: { x: columns.stripStart, y: rows.stripStart, width: columns.end - columns.stripStart, height: rows.end - rows.stripStart },
  };
}

function MatrixBlock(props: { m: MatrixLayout; layer: NetworkLayerAbstraction; showOther: boolean }): JSX.Element {
  const h = () => props.layer.similarityRegions;
  const r = () => regions(props.m);
  const name = (): string => props.m.layer;
  return (
    <g data-testid="network-matrix" data-layer={props.m.layer}>
      <text class="network-caption" x={props.m.caption.x} y={props.m.caption.y}>
        {props.m.layer}
      </text>
      <Show when={props.showOther}>
        <HistogramMark
          testId="network-region-histogram"
          rect={r().columnsStrip}
          histogram={props.m.transposed ? h().otherSourceImportant : h().importantSourceOther}
          what={`${name()}: similarity, ${props.m.transposed ? 'important target x other source' : 'important source x other target'} neurons`}
        />
        <HistogramMark
          testId="network-region-histogram"
          rect={r().rowsStrip}
          histogram={props.m.transposed ? h().importantSourceOther : h().otherSourceImportant}
          what={`${name()}: similarity, ${props.m.transposed ? 'other target x important source' : 'other source x important target'} neurons`}
        />
        <HistogramMark
          testId="network-region-histogram"
          rect={r().corner}
          histogram={h().otherOther}
          what={`${name()}: similarity, other source x other target neurons`}
        />
      </Show>
      <rect class="network-frame" x={props.m.x - 0.5} y={props.m.y - 0.5} width={props.m.width} height={props.m.height} />
    </g>
  );
}

function WeightBlock(props: { w: WeightBlockLayout; boundary: NetworkBoundaryAbstraction; showOther: boolean }): JSX.Element {
  const w = () => props.w;
  const r = () => regions(w());
  const range = () => props.boundary.regions.levelRange;
  return (
    <g class="network-weights" data-testid="network-weight-block" data-from={w().fromLayer} data-to={w().toLayer}>
      <Show when={props.showOther}>
        {/* Important rows x the other neurons of the columns' layer: one boxplot per row; likewise per column. */}
        <Index each={w().rows.neurons}>
          {(n, i) => {
            const group = () => (w().rowsAreFrom ? props.boundary.regions.fromImportant : props.boundary.regions.toImportant)[i];
            return (
              <Show when={group()}>
                {(g) => (
                  <BoxplotMark
                    rect={{ ...r().columnsStrip, y: w().rows.start + i * G.cell, height: G.cell - 1 }}
                    group={g()}
                    range={range()}
                    title={
                      w().rowsAreFrom
                        ? `weights ${w().fromLayer} ${n()} → non-important ${w().toLayer} neurons`
                        : `weights non-important ${w().fromLayer} neurons → ${w().toLayer} ${n()}`
                    }
                  />
                )}
              </Show>
            );
          }}
        </Index>
        <Index each={w().columns.neurons}>
          {(n, j) => {
            const group = () => (w().rowsAreFrom ? props.boundary.regions.toImportant : props.boundary.regions.fromImportant)[j];
            return (
              <Show when={group()}>
                {(g) => (
                  <BoxplotMark
                    rect={{ ...r().rowsStrip, x: w().columns.start + j * G.cell, width: G.cell - 1 }}
                    group={g()}
                    range={range()}
                    title={
                      w().rowsAreFrom
                        ? `weights non-important ${w().fromLayer} neurons → ${w().toLayer} ${n()}`
                        : `weights ${w().fromLayer} ${n()} → non-important ${w().toLayer} neurons`
                    }
                  />
                )}
              </Show>
            );
          }}
        </Index>
        <HistogramMark
          testId="network-weight-histogram"
          rect={r().corner}
          histogram={props.boundary.regions.otherOther}
          what={`${w().fromLayer} → ${w().toLayer}: activated level of weights between non-important neurons (${props.boundary.regions.otherOther.important} important, ${props.boundary.regions.otherOther.inherited} inherited)`}
        />
      </Show>
      <rect class="network-frame network-weights-frame" x={w().x - 0.5} y={w().y - 0.5} width={w().width} height={w().height} />
    </g>
  );
}

/**
 * In place of the weights of a pair that is not directly connected (a shortcut or a concatenation between them):
 * the block's outline, dashed, and a short label; the tooltip says why. Paper-style weight regions need the
 * second layer to read the first's output, so none are computed for such a pair.
 */
function SimilarityOnlyMark(props: { w: WeightBlockLayout; link: NetworkLayerLink }): JSX.Element {
  const w = () => props.w;
  return (
    <g class="network-similarity-only" data-testid="network-similarity-only" data-from={w().fromLayer} data-to={w().toLayer}>
      <title>{similarityOnlyText(props.link)}</title>
      <rect class="network-similarity-only-frame" x={w().x - 0.5} y={w().y - 0.5} width={w().width} height={w().height} />
      <text class="network-similarity-only-text" x={w().x + 3} y={w().y + 11}>
        similarity
      </text>
      <text class="network-similarity-only-text" x={w().x + 3} y={w().y + 22}>
        only
      </text>
    </g>
  );
}

function Labels(props: { l: AxisLabels; selected: DiagramPick | null; onPick: (pick: DiagramPick) => void }): JSX.Element {
  const l = () => props.l;
  const source = () => l().axis.side === 'source';
  return (
    <Index each={l().axis.neurons}>
      {(neuron, k) => {
        const centre = () => cellCentre(l().axis, k);
        const selected = () =>
          props.selected?.kind === 'neuron' && props.selected.matrix === l().matrix && props.selected.side === l().axis.side && props.selected.position === k;
        const transform = () => (l().orientation === 'row' ? undefined : `translate(${centre() + 3}, ${l().at}) rotate(-90)`);
        return (
          <text
            class="network-index network-neuron"
            classList={{ selected: selected() }}
            data-testid={source() ? 'network-source-neuron' : 'network-neuron'}
            data-layer={l().axis.layer}
            data-neuron={neuron()}
            x={l().orientation === 'row' ? l().at : undefined}
            y={l().orientation === 'row' ? centre() : undefined}
            transform={transform()}
            text-anchor={l().orientation === 'row' ? 'end' : 'start'}
            dominant-baseline={l().orientation === 'row' ? 'central' : undefined}
            fill={source() ? SOURCE_COLOR : TARGET_COLOR}
            onClick={() => props.onPick({ kind: 'neuron', matrix: l().matrix, side: l().axis.side, position: k })}
          >
            <title>{`important ${l().axis.side} neuron ${neuron()} of ${l().axis.layer} (#${k + 1}); click for its feature visualisation and the most similar ${source() ? 'target' : 'source'} neurons`}</title>
            {neuron()}
          </text>
        );
      }}
    </Index>
  );
}

/** Whether two hits name the same cell (pointer moves inside one cell change nothing). */
const sameHit = (a: CellHit | null, b: CellHit | null): boolean =>
  a === b ||
  (a !== null &&
    b !== null &&
    (a.kind === 'matrix'
      ? b.kind === 'matrix' && a.matrix === b.matrix && a.row === b.row && a.column === b.column
      : b.kind === 'weight' && a.boundary === b.boundary && a.from === b.from && a.to === b.to));

export function NetworkDiagram(props: NetworkDiagramProps): JSX.Element {
  let canvas!: HTMLCanvasElement;
  let svg!: SVGSVGElement;
  const input = (): NetworkCellsInput => ({
    layout: props.layout,
    layers: props.layers,
    boundaries: props.boundaries,
    showSource: props.showSource,
    selectedWeight: props.selected?.kind === 'weight' ? props.selected : null,
  });
  const [painted, setPainted] = createSignal<PaintedCells | null>(null);
  // Painted while on screen only: below the fold, every scrubber move repainted thousands of cells nobody saw. The
  // painted counts (data attributes tests read) follow what the canvas shows, so they wait for it too.
  const { visible, observe } = createVisibility();
  onMount(() => {
    observe(canvas);
    createEffect(() => {
      if (!visible()) {
        return;
      }
      const cells = input();
      const ratio = window.devicePixelRatio || 1;
      const [width, height] = [Math.round(cells.layout.width * ratio), Math.round(cells.layout.height * ratio)];
      // Resizing a canvas reallocates it: only when the layout's size changed.
      if (canvas.width !== width || canvas.height !== height) {
        Object.assign(canvas, { width, height });
      }
      const ctx = canvas.getContext('2d');
      if (ctx) {
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        setPainted(paintNetworkCells(ctx, cells));
      }
    });
  });

  // The cell under the pointer gets a transparent rect with the cell's tooltip (and, for weights, the hover outline).
  const [hovered, setHovered] = createSignal<CellHit | null>(null, { equals: sameHit });
  createEffect(
    on(
      () => props.layout,
      () => setHovered(null),
      { defer: true },
    ),
  );
  const hitAt = (event: MouseEvent): CellHit | null => {
    const box = svg.getBoundingClientRect();
    return cellAt(props.layout, event.clientX - box.left, event.clientY - box.top);
  };
  const weightPick = (hit: CellHit): { from: number; to: number } | null => {
    const w = hit.kind === 'weight' ? props.layout.weights.find((b) => b.index === hit.boundary) : undefined;
    if (!w || hit.kind !== 'weight') {
      return null;
    }
    const { n1, n2 } = weightEnds(w, hit.from, hit.to);
    return { from: n1, to: n2 };
  };
  const hover = createMemo(() => {
    const hit = hovered();
    const origin = hit && cellOrigin(props.layout, hit);
    return hit && origin ? { hit, origin, title: cellTitle(input(), hit), ends: weightPick(hit) } : null;
  });
  const pick = (event: MouseEvent): void => {
    const hit = hitAt(event);
    const ends = hit && weightPick(hit);
    if (hit?.kind === 'weight' && ends) {
      props.onPick({ kind: 'weight', boundary: hit.boundary, ...ends });
    }
  };

  return (
    <div class="network-scroll">
      <div class="network-stack" style={{ width: `${props.layout.width}px`, height: `${props.layout.height}px` }}>
        <canvas
          ref={canvas}
          class="network-cells"
          data-testid="network-cells"
          style={{ width: `${props.layout.width}px`, height: `${props.layout.height}px` }}
          data-matrix-cells={painted()?.matrixCells}
          data-weight-cells={painted()?.weightCells}
          data-important-weights={painted()?.importantWeights}
          data-source-weights={painted()?.sourceWeights}
          data-inherited-weights={painted()?.inheritedWeights}
        />
        <svg
          ref={svg}
          class="network-svg"
          data-testid="network-svg"
          width={props.layout.width}
          height={props.layout.height}
          viewBox={`0 0 ${props.layout.width} ${props.layout.height}`}
          onMouseMove={(event) => setHovered(hitAt(event))}
          onMouseLeave={() => setHovered(null)}
          onClick={pick}
        >
          <Index each={props.layout.matrices}>
            {(m) => <Show when={props.layers[m().index]}>{(layer) => <MatrixBlock m={m()} layer={layer()} showOther={props.showOther} />}</Show>}
          </Index>
          <Index each={props.layout.weights}>
            {(w) => (
              <Show
                when={props.boundaries[w().index]}
                fallback={
                  <Show when={props.links[w().index]?.direct === false && props.links[w().index]}>
                    {(link) => <SimilarityOnlyMark w={w()} link={link()} />}
                  </Show>
                }
              >
                {(boundary) => <WeightBlock w={w()} boundary={boundary()} showOther={props.showOther} />}
              </Show>
            )}
          </Index>
          <Index each={props.layout.labels}>{(l) => <Labels l={l()} selected={props.selected} onPick={props.onPick} />}</Index>
          <Show when={hover()}>
            {(h) => (
              <rect
                class="network-cell-hover"
                classList={{ 'network-weight-hover': h().hit.kind === 'weight' }}
                data-testid="network-cell-hover"
                data-kind={h().hit.kind}
                data-block={
                  h().hit.kind === 'weight' ? props.layout.weights.find((b) => b.index === (h().hit as { boundary: number }).boundary)?.toLayer : undefined
                }
                data-from={h().ends?.from}
                data-to={h().ends?.to}
                x={h().origin.x}
                y={h().origin.y}
                width={G.cell - 1}
                height={G.cell - 1}
              >
                <title>{h().title}</title>
              </rect>
            )}
          </Show>
        </svg>
      </div>
    </div>
  );
}
