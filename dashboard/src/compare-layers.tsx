// Per layer, how far B's weights are from A's: the relative L2 distance as a bar, and per-neuron cosine
// similarity of incoming weights with the neurons that changed most.
import { For, Show, type JSX } from 'solid-js';
import type { CompareResponse } from '../../core/compare-protocol.ts';
import { Notice } from './notice.tsx';
import { Panel } from './panel.tsx';
import { layerColor } from './weight-drift-option.ts';

const HINT =
  'Per layer: ‖W_B − W_A‖ / ‖W_A‖ over kernel and bias (0 = unchanged), and for each neuron the cosine similarity ' +
  'of its incoming weights at A and at B (1 = same direction). The chips are the neurons that changed most. ' +
  'Only checkpoints store weights.';

export function CompareLayers(props: { response: CompareResponse }): JSX.Element {
  const largest = (): number => Math.max(1e-9, ...(props.response.layers ?? []).map((l) => l.relativeL2 ?? 0));
  return (
    <Panel class="span-3" title="Weight change per layer, A → B" testId="compare-layers" hint={HINT}>
      <Show
        when={props.response.layers}
        fallback={
          <Notice kind="info" testId="compare-layers-unavailable">
            {props.response.layersUnavailable}
          </Notice>
        }
      >
        {(layers) => (
          <table class="confusion-table compare-layers">
            <thead>
              <tr>
                <th>Layer</th>
                <th title="Relative L2 distance of the layer's weights">‖W_B − W_A‖ / ‖W_A‖</th>
                <th title="Median over the layer's neurons of the cosine similarity of incoming weights">median neuron similarity</th>
                <th title="Lowest neuron similarity in the layer">min</th>
                <th title="The neurons whose incoming weights changed most, with their similarity">most changed neurons</th>
              </tr>
            </thead>
            <tbody>
              <For each={layers()}>
                {(layer, index) => (
                  <tr data-testid="compare-layer-row" data-layer={layer.layer}>
                    <td>
                      <b>{layer.layer}</b>
                    </td>
                    <td>
                      <Show
                        when={layer.relativeL2 !== null}
                        fallback={
                          <span class="muted" title="Different shapes (e.g. a replaced classifier head)">
                            —
                          </span>
                        }
                      >
                        <span class="bar" title={`${layer.layer}: ${layer.relativeL2!.toFixed(4)}`}>
                          <span
                            class="bar-fill"
                            style={{ width: `${(100 * layer.relativeL2!) / largest()}%`, background: layerColor(index(), layers().length) }}
                          />
                        </span>
                        <span class="num" data-testid="compare-layer-l2">
                          {layer.relativeL2!.toFixed(4)}
                        </span>
                      </Show>
                    </td>
                    <td class="num">{layer.neuronSimilarity?.median.toFixed(3) ?? '—'}</td>
                    <td class="num">{layer.neuronSimilarity?.min.toFixed(3) ?? '—'}</td>
                    <td>
                      <For each={layer.neuronSimilarity?.leastSimilar ?? []}>
                        {(n) => (
                          <span class="chip" title={`${layer.layer} neuron ${n.neuron}: cosine similarity ${n.similarity.toFixed(3)} between A and B`}>
                            #{n.neuron}
                            <span class="chip-count">{n.similarity.toFixed(2)}</span>
                          </span>
                        )}
                      </For>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        )}
      </Show>
    </Panel>
  );
}
