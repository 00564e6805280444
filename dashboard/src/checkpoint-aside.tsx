// The title-bar note of a per-checkpoint view: which checkpoint it draws (and that it stands in for the
// scrubbed epoch when that is not a checkpoint), and whether the answer is still computing.
import { Show, type JSX } from 'solid-js';
import type { EpochRecord } from '../../monitor/protocol.ts';

export interface CheckpointAsideProps {
  /** The checkpoint drawn, null when there is none at or before the scrubbed epoch. */
  checkpoint: EpochRecord | null;
  /** The scrubbed epoch. */
  at: EpochRecord | null;
  loading: boolean;
}

export function CheckpointAside(props: CheckpointAsideProps): JSX.Element {
  return (
    <Show when={props.checkpoint && props.at ? { checkpoint: props.checkpoint, at: props.at } : null}>
      {(shown) => {
        const label = (): string => `${shown().checkpoint.phase} · epoch ${shown().checkpoint.epoch}`;
        return (
          <>
            <Show when={props.loading}><span class="muted">computing… </span></Show>
            {shown().checkpoint.step === shown().at.step ? label() : `checkpoint ${label()} (latest at or before ${shown().at.phase} · epoch ${shown().at.epoch})`}
          </>
        );
      }}
    </Show>
  );
}
