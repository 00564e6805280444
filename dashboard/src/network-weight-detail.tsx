// The detail of one clicked weight n1 -> n2 (paper §5.3.3): the two neurons it joins and its weight map in the
// target model and in the reference source model side by side, on one colour scale.
import { For, Show, type JSX } from 'solid-js';
import type { LayerName } from '../../core/protocol.ts';
import type { WeightSliceResponse } from '../../core/network-protocol.ts';
import { weightFill, type WeightCell } from './network-model.ts';

export interface NetworkWeightDetailProps {
  fromLayer: LayerName;
  toLayer: LayerName;
  from: number;
  to: number;
  /** The weight's entry among the target model's important weights, if it is one. */
  cell: WeightCell | undefined;
  sourceImportant: boolean;
  /** The maps of the viewed checkpoint and of its reference source checkpoint; null while loading. */
  target: WeightSliceResponse | null;
  source: WeightSliceResponse | null;
  error: string | null;
  fromImage: string;
  toImage: string;
  onClose: () => void;
}

const PIXEL = 14;

function WeightMap(props: { title: string; slice: WeightSliceResponse; maxAbs: number; testId: string }): JSX.Element {
  const s = () => props.slice;
  return (
    <figure class="network-weight-map" data-testid={props.testId}>
      <svg width={s().cols * PIXEL} height={s().rows * PIXEL}>
        <For each={s().values}>
          {(v, i) => (
            <rect x={(i() % s().cols) * PIXEL} y={Math.floor(i() / s().cols) * PIXEL} width={PIXEL - 1} height={PIXEL - 1} fill={weightFill(v, props.maxAbs)}>
              <title>{`${s().kind === 'flatten' ? 'position' : 'kernel'} (${Math.floor(i() / s().cols)}, ${i() % s().cols}): ${v}`}</title>
            </rect>
          )}
        </For>
      </svg>
      <Show when={s().incoming.length > 0}>
        {/* Dense: where this weight stands among every weight into the same neuron. */}
        <svg class="network-incoming" width={Math.min(256, s().incoming.length) * 2} height={12}>
          <For each={s().incoming.slice(0, 256)}>
            {(v, n1) => (
              <rect
                x={n1() * 2}
                y={n1() === s().from ? 0 : 2}
                width={2}
                height={n1() === s().from ? 12 : 8}
                fill={weightFill(v, props.maxAbs)}
                stroke={n1() === s().from ? '#333' : 'none'}
                stroke-width={0.5}
              >
                <title>{`${s().fromLayer} ${n1()} → ${s().layer} ${s().to}: ${v}`}</title>
              </rect>
            )}
          </For>
        </svg>
      </Show>
      <figcaption>
        {props.title} · bias {s().bias}
      </figcaption>
    </figure>
  );
}

export function NetworkWeightDetail(props: NetworkWeightDetailProps): JSX.Element {
  const maxAbs = (): number => Math.max(1e-9, ...[props.target, props.source].flatMap((s) => (s ? [...s.values, ...s.incoming].map(Math.abs) : [])));
  const kind = (): string => {
    const k = props.target?.kind;
    return k === 'conv'
      ? `the ${props.target?.rows}x${props.target?.cols} kernel from channel ${props.from} to channel ${props.to}`
      : k === 'flatten'
        ? `the ${props.fromLayer} map positions of channel ${props.from} into unit ${props.to}`
        : 'the single weight, and every weight into the same unit';
  };
  return (
    <div class="network-detail" data-testid="network-weight-detail">
      <div class="network-detail-head">
        <strong>
          weight {props.fromLayer} <span class="target-text">{props.from}</span> → {props.toLayer} <span class="target-text">{props.to}</span>
        </strong>
        <span class="muted">
          {props.cell
            ? ` important for ${props.cell.count} instances; ${props.cell.inherited ? `inherited (source ${props.cell.sourceFrom} → ${props.cell.sourceTo})` : 'not inherited'}`
            : ' not an important target weight'}
          {props.sourceImportant ? '; important in the source model' : ''}
        </span>
        <button type="button" class="network-detail-close" aria-label="Close the weight detail" onClick={() => props.onClose()}>
          ×
        </button>
      </div>
      <div class="network-weight-body">
        <figure class="network-weight-ends">
          <img src={props.fromImage} width="40" height="40" alt="" title={`Feature visualisation of ${props.fromLayer} neuron ${props.from} (target model)`} />
          <span>→</span>
          <img src={props.toImage} width="40" height="40" alt="" title={`Feature visualisation of ${props.toLayer} neuron ${props.to} (target model)`} />
          <figcaption>connected neurons</figcaption>
        </figure>
        <Show when={props.error}>{(e) => <span class="muted">Could not load the weight map: {e()}</span>}</Show>
        <Show
          when={props.target && props.source}
          fallback={
            <Show when={!props.error}>
              <span class="muted">loading the weight map…</span>
            </Show>
          }
        >
          <WeightMap testId="network-weight-map-target" title="target model" slice={props.target!} maxAbs={maxAbs()} />
          <WeightMap testId="network-weight-map-source" title="source model (reference)" slice={props.source!} maxAbs={maxAbs()} />
          <span class="muted network-weight-kind">{kind()}; green positive, purple negative, one scale for both</span>
        </Show>
      </div>
    </div>
  );
}
