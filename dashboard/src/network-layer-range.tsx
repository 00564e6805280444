// The network view's layer range control: the first and the last layer drawn, from the layers the result lists.
import { For, type JSX } from 'solid-js';
import { moveRangeEnd, type LayerRange } from './network-range.ts';

const RANGE_HINT =
  'The contiguous layers drawn, first and last. Up to eight are drawn whole by default; of a deeper network the last ' +
  'eight. Click a row of the layer table to move the range to that layer. The address bar keeps the range.';

export interface NetworkLayerRangeProps {
  /** Every layer in model order. */
  layers: readonly string[];
  range: LayerRange;
  onRange: (range: LayerRange) => void;
}

export function NetworkLayerRange(props: NetworkLayerRangeProps): JSX.Element {
  // `selected` on the options, not `value` on the select: the value would be set before the options exist.
  const options = (selectedLayer: number): JSX.Element => (
    <For each={props.layers}>
      {(name, i) => (
        <option value={i()} selected={i() === selectedLayer}>
          {name}
        </option>
      )}
    </For>
  );
  return (
    <label title={RANGE_HINT}>
      layers{' '}
      <select
        data-testid="network-layer-from"
        title="First layer drawn"
        onChange={(e) => props.onRange(moveRangeEnd(props.range, 'first', Number(e.currentTarget.value)))}
      >
        {options(props.range.first)}
      </select>
      {' – '}
      <select
        data-testid="network-layer-to"
        title="Last layer drawn"
        onChange={(e) => props.onRange(moveRangeEnd(props.range, 'last', Number(e.currentTarget.value)))}
      >
        {options(props.range.last)}
      </select>
      <span class="muted" data-testid="network-layer-count">{` ${props.range.last - props.range.first + 1} of ${props.layers.length}`}</span>
    </label>
  );
}
