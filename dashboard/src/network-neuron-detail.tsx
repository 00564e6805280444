// The detail of one clicked important target neuron: its five most similar source neurons (paper §5.3.3).
import { For, type JSX } from 'solid-js';
import type { LayerName } from '../../monitor/protocol.ts';
import type { SimilarSource } from './network-model.ts';

export interface NetworkNeuronDetailProps {
  layer: LayerName;
  neuron: number;
  /** Its rank among the layer's important neurons, 1 = most important. */
  rank: number;
  similar: SimilarSource[];
  onClose: () => void;
}

export function NetworkNeuronDetail(props: NetworkNeuronDetailProps): JSX.Element {
  return (
    <div class="network-detail" data-testid="network-detail">
      <div class="network-detail-head">
        <strong>
          {props.layer} · <span class="target-text">target neuron {props.neuron}</span>
        </strong>
        <span class="muted"> (important #{props.rank}) — most similar source neurons:</span>
        <button type="button" class="network-detail-close" aria-label="Close the neuron detail" onClick={() => props.onClose()}>×</button>
      </div>
      <ol>
        <For each={props.similar}>
          {(s) => (
            <li data-testid="network-similar-source">
              <span class="source-text">source neuron {s.neuron}</span>
              <span class="network-bar" style={{ width: `${Math.max(0, s.similarity) * 80}px` }} />
              <span class="muted">{s.similarity.toFixed(3)}</span>
            </li>
          )}
        </For>
      </ol>
    </div>
  );
}
