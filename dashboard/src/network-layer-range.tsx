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
  /** One end of the range: a select of every layer, the end's own layer selected. */
  const endSelect = (end: 'first' | 'last', testId: string, title: string): JSX.Element => (
    <select data-testid={testId} title={title} onChange={(e) => props.onRange(moveRangeEnd(props.range, end, Number(e.currentTarget.value)))}>
      {/* `selected` on the options, not `value` on the select: the value would be set before the options exist. */}
      <For each={props.layers}>
        {(name, i) => (
          <option value={i()} selected={i() === props.range[end]}>
            {name}
          </option>
        )}
      </For>
    </select>
  );
  return (
    <label title={RANGE_HINT}>
      layers {endSelect('first', 'network-layer-from', 'First layer drawn')}
      {' – '}
      {endSelect('last', 'network-layer-to', 'Last layer drawn')}
      <span class="muted" data-testid="network-layer-count">{` ${props.range.last - props.range.first + 1} of ${props.layers.length}`}</span>
    </label>
  );
}
