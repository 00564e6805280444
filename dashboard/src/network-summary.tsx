// One line per layer under the network diagram: how many important neurons, how alike they are to the source
// model's, and how many of the important weights into the layer the target inherited (paper §5.3.3).
import { For, type JSX } from 'solid-js';
import type { LayerName } from '../../core/protocol.ts';
import type { LayerSummary } from './network-model.ts';

export interface NetworkSummaryProps {
  rows: { layer: LayerName; summary: LayerSummary }[];
}

const percent = (share: number | null): string => (share === null ? '—' : `${Math.round(share * 100)}%`);

export function NetworkSummary(props: NetworkSummaryProps): JSX.Element {
  return (
    <table class="network-summary" data-testid="network-summary">
      <thead>
        <tr>
          <th>layer</th>
          <th title="The target model's important neurons for this class (10% of the layer, at least one)">important neurons</th>
          <th title="Mean over the important neurons of the similarity to their most similar source neuron (1: identical)">mean best similarity</th>
          <th title="Share of the important weights into this layer that join the most similar source neurons by an important source weight">
            inherited weights
          </th>
        </tr>
      </thead>
      <tbody>
        <For each={props.rows}>
          {(row) => (
            <tr data-layer={row.layer}>
              <td>{row.layer}</td>
              <td>{row.summary.importantCount}</td>
              <td>{row.summary.meanBestSimilarity === null ? '—' : row.summary.meanBestSimilarity.toFixed(3)}</td>
              <td>{percent(row.summary.inheritedShare)}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
