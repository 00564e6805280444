// One compact row per layer of the whole network beside the diagram's range: how many important neurons, how
// alike they are to the source model's, and how many of the important weights into the layer the target
// inherited (paper §5.3.3). The rows of the drawn range are marked; clicking a row moves the range to it.
import { For, type JSX } from 'solid-js';
import { similarityOnlyText, type LayerSummaryRow } from './network-model.ts';
import type { LayerRange } from './network-range.ts';

export interface NetworkSummaryProps {
  /** Every layer in model order, with the link from the layer before it (null for the first). */
  rows: LayerSummaryRow[];
  /** Positions of `rows` the diagram draws. */
  shown: LayerRange;
  onPick: (layer: string) => void;
}

const percent = (share: number | null): string => (share === null ? '—' : `${Math.round(share * 100)}%`);

export function NetworkSummary(props: NetworkSummaryProps): JSX.Element {
  const inRange = (i: number): boolean => i >= props.shown.first && i <= props.shown.last;
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
          {(row, i) => (
            <tr
              data-layer={row.layer}
              data-shown={inRange(i()) ? 'true' : 'false'}
              classList={{ shown: inRange(i()) }}
              title={inRange(i()) ? `${row.layer} is drawn above` : `click to draw the layers around ${row.layer}`}
              onClick={() => props.onPick(row.layer)}
            >
              <td>{row.layer}</td>
              <td>{row.summary.importantCount}</td>
              <td>{row.summary.meanBestSimilarity === null ? '—' : row.summary.meanBestSimilarity.toFixed(3)}</td>
              <td title={row.incoming && !row.incoming.direct ? similarityOnlyText(row.incoming) : undefined}>
                {row.incoming && !row.incoming.direct ? 'similarity only' : percent(row.summary.inheritedShare)}
              </td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
