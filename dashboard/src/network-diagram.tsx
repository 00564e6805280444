// The diagonal diagram of the network relation view (paper §5.3.3, Figure 4), drawn as SVG: per layer its
// similarity matrix split into four regions, and in the corners between them the weights in their four regions.
// Everything is rendered by position (Index), not by value (For): scrubbing to another checkpoint changes which
// neurons are important, and updating the attributes of the elements on screen is far cheaper than recreating
// the thousands of cells; the derived lookups are memos, computed once per checkpoint, not once per cell.
import { createMemo, Index, Show, type JSX } from 'solid-js';
import type { NetworkBoundaryAbstraction, NetworkLayerAbstraction, NetworkLayerLink } from '../../core/network-protocol.ts';
import { SOURCE_COLOR, TARGET_COLOR } from './colors.ts';
import {
  cellCentre,
  NETWORK_GEOMETRY as G,
  type AxisLabels,
  type AxisLayout,
  type MatrixLayout,
  type NetworkLayout,
  type WeightBlockLayout,
} from './network-layout.ts';
import { similarityFill, similarityMatrix, similarityOnlyText, weightCells } from './network-model.ts';
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

const fmt = (v: number): string => v.toFixed(3);

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
  const matrix = createMemo(() => similarityMatrix(props.layer));
  const h = () => props.layer.similarityRegions;
  const r = () => regions(props.m);
  // Rows are target neurons when transposed: cell (row, column) is S[source, target] either way.
  const cell = (row: number, column: number): { source: number; target: number; value: number } => {
    const [s, t] = props.m.transposed ? [column, row] : [row, column];
    const mx = matrix();
    return { source: mx.sources[s] ?? -1, target: mx.targets[t] ?? -1, value: mx.values[s]?.[t] ?? 0 };
  };
  const name = (): string => props.m.layer;
  return (
    <g data-testid="network-matrix" data-layer={props.m.layer}>
      <text class="network-caption" x={props.m.caption.x} y={props.m.caption.y}>
        {props.m.layer}
      </text>
      <Index each={props.m.rows.neurons}>
        {(_, row) => (
          <Index each={props.m.columns.neurons}>
            {(_, column) => {
              const c = createMemo(() => cell(row, column));
              return (
                <rect
                  class="network-cell"
                  x={props.m.columns.start + column * G.cell}
                  y={props.m.rows.start + row * G.cell}
                  width={G.cell - 1}
                  height={G.cell - 1}
                  fill={similarityFill(c().value)}
                >
                  <title>{`${name()}: source neuron ${c().source} vs target neuron ${c().target} (both important)\nsimilarity ${fmt(c().value)}`}</title>
                </rect>
              );
            }}
          </Index>
        )}
      </Index>
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

function WeightBlock(props: {
  w: WeightBlockLayout;
  boundary: NetworkBoundaryAbstraction;
  showOther: boolean;
  showSource: boolean;
  selected: DiagramPick | null;
  onPick: (pick: DiagramPick) => void;
}): JSX.Element {
  const w = () => props.w;
  const fromAxis = () => (w().rowsAreFrom ? w().rows : w().columns);
  const toAxis = () => (w().rowsAreFrom ? w().columns : w().rows);
  const cells = createMemo(() => weightCells(props.boundary, fromAxis().neurons, toAxis().neurons));
  const targetByPair = createMemo(() => new Map(cells().target.map((c) => [`${c.from}:${c.to}`, c])));
  const sourcePairs = createMemo(() => new Set(cells().source.map((c) => `${c.from}:${c.to}`)));
  const maxCount = createMemo(() => Math.max(1, ...cells().target.map((c) => c.count)));
  const position = (from: number, to: number): { x: number; y: number } => {
    const [row, column] = w().rowsAreFrom ? [from, to] : [to, from];
    return { x: w().columns.start + column * G.cell, y: w().rows.start + row * G.cell };
  };
  const label = (n1: number, n2: number): string => `${w().fromLayer} ${n1} → ${w().toLayer} ${n2}`;
  const r = () => regions(w());
  const range = () => props.boundary.regions.levelRange;
  return (
    <g class="network-weights" data-testid="network-weight-block" data-from={w().fromLayer} data-to={w().toLayer}>
      <Index each={fromAxis().neurons}>
        {(n1, i) => (
          <Index each={toAxis().neurons}>
            {(n2, j) => {
              const key = (): string => `${n1()}:${n2()}`;
              const at = (): { x: number; y: number } => position(i, j);
              const target = createMemo(() => targetByPair().get(key()));
              const source = () => props.showSource && sourcePairs().has(key());
              const selected = () =>
                props.selected?.kind === 'weight' && props.selected.boundary === w().index && props.selected.from === n1() && props.selected.to === n2();
              const title = (): string => {
                const t = target();
                const lines = [label(n1(), n2())];
                lines.push(
                  t
                    ? `important target weight: ${t.count} instances${t.inherited ? `, inherited from source ${t.sourceFrom} → ${t.sourceTo}` : ', not inherited'}`
                    : 'not an important target weight',
                );
                if (props.showSource) {
                  lines.push(sourcePairs().has(key()) ? 'important in the source model too' : 'not important in the source model');
                }
                lines.push('click for its weight map');
                return lines.join('\n');
              };
              return (
                <g
                  class="network-weight"
                  classList={{ selected: selected() }}
                  data-testid="network-weight"
                  data-important={target() ? 'true' : 'false'}
                  data-from={n1()}
                  data-to={n2()}
                  onClick={() => props.onPick({ kind: 'weight', boundary: w().index, from: n1(), to: n2() })}
                >
                  <rect
                    class="network-weight-cell"
                    x={at().x}
                    y={at().y}
                    width={G.cell - 1}
                    height={G.cell - 1}
                    fill={target() ? TARGET_COLOR : '#f1f3f6'}
                    fill-opacity={target() ? 0.3 + (0.7 * (target()?.count ?? 0)) / maxCount() : 1}
                  />
                  <Show when={source()}>
                    <rect
                      class="network-source-weight"
                      x={at().x + 1.5}
                      y={at().y + 1.5}
                      width={G.cell - 4}
                      height={G.cell - 4}
                      stroke={SOURCE_COLOR}
                      fill="none"
                    />
                  </Show>
                  <Show when={target()?.inherited}>
                    <circle class="network-inherited" cx={at().x + (G.cell - 1) / 2} cy={at().y + (G.cell - 1) / 2} r={2} fill={SOURCE_COLOR} />
                  </Show>
                  <title>{title()}</title>
                </g>
              );
            }}
          </Index>
        )}
      </Index>
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

export function NetworkDiagram(props: NetworkDiagramProps): JSX.Element {
  return (
    <div class="network-scroll">
      <svg
        class="network-svg"
        data-testid="network-svg"
        width={props.layout.width}
        height={props.layout.height}
        viewBox={`0 0 ${props.layout.width} ${props.layout.height}`}
      >
        <Index each={props.layout.matrices}>
          {(m) => <Show when={props.layers[m().index]}>{(layer) => <MatrixBlock m={m()} layer={layer()} showOther={props.showOther} />}</Show>}
        </Index>
        <Index each={props.layout.weights}>
          {(w) => (
            <Show
              when={props.boundaries[w().index]}
              fallback={
                <Show when={props.links[w().index]?.direct === false && props.links[w().index]}>{(link) => <SimilarityOnlyMark w={w()} link={link()} />}</Show>
              }
            >
              {(boundary) => (
                <WeightBlock
                  w={w()}
                  boundary={boundary()}
                  showOther={props.showOther}
                  showSource={props.showSource}
                  selected={props.selected}
                  onPick={props.onPick}
                />
              )}
            </Show>
          )}
        </Index>
        <Index each={props.layout.labels}>{(l) => <Labels l={l()} selected={props.selected} onPick={props.onPick} />}</Index>
      </svg>
    </div>
  );
}
