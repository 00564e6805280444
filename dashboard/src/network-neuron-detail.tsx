// The detail of one clicked important target neuron: its feature visualisation and its five most similar
// source neurons with theirs (paper §5.3.3).
import { For, type JSX } from 'solid-js';
import type { LayerName } from '../../monitor/protocol.ts';
import type { SimilarSource } from './network-model.ts';

export interface NetworkNeuronDetailProps {
  layer: LayerName;
  neuron: number;
  /** Its rank among the layer's important neurons, 1 = most important. */
  rank: number;
  similar: SimilarSource[];
  /** Feature visualisation of the target neuron, and of a source neuron of the reference checkpoint. */
  image: string;
  sourceImage: (neuron: number) => string;
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
      <div class="network-detail-feature">
        <img
          data-testid="network-feature-image"
          src={props.image}
          width="64"
          height="64"
          alt={`Feature visualisation of target neuron ${props.neuron} of ${props.layer}`}
          title="An input that makes this neuron fire: gradient ascent from grey on the target model of this checkpoint (rendered once, a few seconds)"
        />
      </div>
      <ol>
        <For each={props.similar}>
          {(s) => (
            <li data-testid="network-similar-source">
              <img class="network-feature-thumb" src={props.sourceImage(s.neuron)} width="24" height="24" alt="" title={`Feature visualisation of source neuron ${s.neuron}`} />
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
