// The detail of one clicked important neuron, of either model: its feature visualisation and its five most
// similar neurons in the other model with theirs (paper §5.3.3).
import { For, type JSX } from 'solid-js';
import type { LayerName } from '../../core/protocol.ts';
import type { SimilarNeuron } from './network-model.ts';

export interface NetworkNeuronDetailProps {
  side: 'source' | 'target';
  layer: LayerName;
  neuron: number;
  /** Its rank among its model's important neurons of the layer, 1 = most important. */
  rank: number;
  /** The most similar neurons of the other model. */
  similar: SimilarNeuron[];
  /** Feature visualisation of this neuron (on its model's checkpoint), and of a neuron of the other model. */
  image: string;
  otherImage: (neuron: number) => string;
  onClose: () => void;
}

export function NetworkNeuronDetail(props: NetworkNeuronDetailProps): JSX.Element {
  const other = (): 'source' | 'target' => (props.side === 'target' ? 'source' : 'target');
  return (
    <div class="network-detail" data-testid="network-detail">
      <div class="network-detail-head">
        <strong>
          {props.layer} ·{' '}
          <span class={`${props.side}-text`}>
            {props.side} neuron {props.neuron}
          </span>
        </strong>
        <span class="muted">
          {' '}
          (important #{props.rank}) — most similar {other()} neurons:
        </span>
        <button type="button" class="network-detail-close" aria-label="Close the neuron detail" onClick={() => props.onClose()}>
          ×
        </button>
      </div>
      <div class="network-detail-feature">
        <img
          data-testid="network-feature-image"
          src={props.image}
          width="64"
          height="64"
          alt={`Feature visualisation of ${props.side} neuron ${props.neuron} of ${props.layer}`}
          title={`An input that makes this neuron fire: gradient ascent from grey on the ${props.side} model's checkpoint (rendered once, a few seconds)`}
        />
      </div>
      <ol>
        <For each={props.similar}>
          {(s) => (
            <li data-testid="network-similar">
              <img
                class="network-feature-thumb"
                src={props.otherImage(s.neuron)}
                width="24"
                height="24"
                alt=""
                title={`Feature visualisation of ${other()} neuron ${s.neuron}`}
              />
              <span class={`${other()}-text`}>
                {other()} neuron {s.neuron}
              </span>
              <span class={`network-bar network-bar-${other()}`} style={{ width: `${Math.max(0, s.similarity) * 80}px` }} />
              <span class="muted" title="Similarity of the two neurons' conductances on this class's instances">
                {s.similarity.toFixed(3)}
              </span>
            </li>
          )}
        </For>
      </ol>
    </div>
  );
}
