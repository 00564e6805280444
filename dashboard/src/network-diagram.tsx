// The zig-zag diagram of the network relation view (paper §5.3.3, Figure 4), drawn as SVG: per layer a small
// similarity matrix (source neurons red, important target neurons blue), and the important weights between layers.
import { For, Show, type JSX } from 'solid-js';
import { SOURCE_COLOR, TARGET_COLOR } from './colors.ts';
import { NETWORK_GEOMETRY as G, type LinkLayout, type MatrixLayout, type NetworkLayout } from './network-layout.ts';
import { similarityFill } from './network-model.ts';

export interface NeuronPick {
  /** Index of the matrix in the layout. */
  matrix: number;
  /** Row of the neuron in its layer's `importantNeurons`. */
  column: number;
}

export interface NetworkDiagramProps {
  layout: NetworkLayout;
  selected: NeuronPick | null;
  onPick: (pick: NeuronPick) => void;
}

const fmt = (v: number): string => v.toFixed(3);

function Matrix(props: { m: MatrixLayout; selected: NeuronPick | null; onPick: (pick: NeuronPick) => void }): JSX.Element {
  const m = (): MatrixLayout => props.m;
  const isSelected = (column: number): boolean => props.selected?.matrix === m().index && props.selected.column === column;
  return (
    <g data-testid="network-matrix" data-layer={m().layer}>
      <text
        class="network-caption"
        x={m().x}
        y={m().above ? m().y - 5 : m().y + m().height + 12}
      >
        {m().layer}
      </text>
      <For each={m().matrix.sources}>
        {(source, row) => (
          <>
            <text class="network-index" x={m().x - 3} y={m().y + (row() + 0.5) * G.cell} fill={SOURCE_COLOR} text-anchor="end" dominant-baseline="central">
              <title>{`source neuron ${source} of ${m().layer}`}</title>
              {source}
            </text>
            <For each={m().matrix.targets}>
              {(target, column) => {
                const value = m().matrix.values[row()]?.[column()] ?? 0;
                return (
                  <rect
                    x={m().x + column() * G.cell}
                    y={m().y + row() * G.cell}
                    width={G.cell - 1}
                    height={G.cell - 1}
                    fill={similarityFill(value)}
                    stroke={isSelected(column()) ? TARGET_COLOR : 'none'}
                  >
                    <title>{`${m().layer}: target neuron ${target} vs source neuron ${source}\nsimilarity ${fmt(value)}`}</title>
                  </rect>
                );
              }}
            </For>
          </>
        )}
      </For>
      <rect class="network-frame" x={m().x - 0.5} y={m().y - 0.5} width={m().width} height={m().height} />
      <For each={m().targetAxis}>
        {(slot) => {
          const important = slot.column >= 0;
          // Labels read away from the matrix into the band, rotated so three digits fit one cell.
          const transform = `translate(${slot.x + 3}, ${m().above ? m().axisY + 3 : m().axisY - 3}) rotate(-90)`;
          return (
            <text
              class={important ? 'network-index network-neuron' : 'network-index network-extra'}
              classList={{ selected: important && isSelected(slot.column) }}
              data-testid={important ? 'network-neuron' : undefined}
              data-layer={m().layer}
              data-neuron={slot.neuron}
              transform={transform}
              text-anchor={m().above ? 'end' : 'start'}
              fill={TARGET_COLOR}
              onClick={important ? () => props.onPick({ matrix: m().index, column: slot.column }) : undefined}
            >
              <title>
                {important
                  ? `important target neuron ${slot.neuron} of ${m().layer} (rank ${slot.column + 1}); click for its most similar source neurons`
                  : `target neuron ${slot.neuron} of ${m().layer}: an end of an important weight, not itself important`}
              </title>
              {slot.neuron}
            </text>
          );
        }}
      </For>
    </g>
  );
}

function Link(props: { l: LinkLayout; fromLayer: string; toLayer: string; maxCount: number }): JSX.Element {
  const l = (): LinkLayout => props.l;
  const midY = (): number => (l().y1 + l().y2) / 2;
  const path = (): string => `M${l().x1},${l().y1} C${l().x1},${midY()} ${l().x2},${midY()} ${l().x2},${l().y2}`;
  const title = (): string => {
    const { from, to, count, inherited, sourceFrom, sourceTo } = l().link;
    const source = sourceFrom >= 0 && sourceTo >= 0 ? ` (most similar source weight ${sourceFrom} → ${sourceTo})` : '';
    return `${props.fromLayer} ${from} → ${props.toLayer} ${to}\ncount ${count} instances\n${inherited ? 'inherited' : 'not inherited'}${source}`;
  };
  return (
    <g class="network-link">
      <path d={path()} stroke={TARGET_COLOR} stroke-width={0.8 + (2 * l().link.count) / Math.max(1, props.maxCount)} fill="none">
        <title>{title()}</title>
      </path>
      <Show when={l().link.inherited}>
        <circle cx={(l().x1 + l().x2) / 2} cy={midY()} r={3.2} fill={SOURCE_COLOR}>
          <title>{title()}</title>
        </circle>
      </Show>
    </g>
  );
}

export function NetworkDiagram(props: NetworkDiagramProps): JSX.Element {
  const maxCount = (): number => Math.max(1, ...props.layout.links.map((l) => l.link.count));
  const layerAt = (i: number): string => props.layout.matrices[i]?.layer ?? '';
  return (
    <div class="network-scroll">
      <svg class="network-svg" width={props.layout.width} height={props.layout.height} viewBox={`0 0 ${props.layout.width} ${props.layout.height}`}>
        <For each={props.layout.links}>
          {(l) => <Link l={l} fromLayer={layerAt(l.fromMatrix)} toLayer={layerAt(l.fromMatrix + 1)} maxCount={maxCount()} />}
        </For>
        <For each={props.layout.matrices}>
          {(m) => <Matrix m={m} selected={props.selected} onPick={props.onPick} />}
        </For>
      </svg>
    </div>
  );
}
