// The notes of a per-checkpoint view: in the title bar, which checkpoint it draws (and that it stands in for the
// scrubbed epoch when that is not a checkpoint); in the body, that its analysis is still computing and how far
// the monitor's background analysis of that checkpoint got.
import { Show, type JSX } from 'solid-js';
import type { EpochRecord } from '../../core/protocol.ts';
import { Notice } from './notice.tsx';

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
            <Show when={props.loading}>
              <span class="muted">computing… </span>
            </Show>
            {shown().checkpoint.step === shown().at.step
              ? label()
              : `checkpoint ${label()} (latest at or before ${shown().at.phase} · epoch ${shown().at.epoch})`}
          </>
        );
      }}
    </Show>
  );
}

export interface AnalysisPendingProps {
  testId: string;
  /** What is being computed and how long it takes, one sentence. */
  children: JSX.Element;
  /** The background analysis's status for the checkpoint (`backgroundStatus()`), null when it reported none. */
  status: string | null;
}

/** The body of a per-checkpoint view while its analysis is computed. */
export function AnalysisPending(props: AnalysisPendingProps): JSX.Element {
  return (
    <Notice kind="info" testId={props.testId}>
      {props.children}
      <Show when={props.status}>{(status) => <span class="muted"> (background analysis: {status()})</span>}</Show>
    </Notice>
  );
}
