// The header's live line: the newest committed epoch, its phase and training throughput, and the connection.
import { Show, type JSX } from 'solid-js';
import type { EpochRecord } from '../../monitor/protocol.ts';
import { imagesPerSecond } from './format.ts';

export interface LiveStatusProps {
  latest: EpochRecord | null;
  connected: boolean;
}

export function LiveStatus(props: LiveStatusProps): JSX.Element {
  return (
    <div class="live-status" data-testid="live-status">
      <Show when={props.latest}>
        {(latest) => (
          <span title="The newest committed epoch, and the training speed measured over it">
            <span class={`phase-dot phase-${latest().phase}`} aria-hidden="true" />
            newest: <b>{latest().phase} · epoch {latest().epoch}</b>
            <span class="muted"> · {imagesPerSecond(latest().trainImagesPerSecond)}</span>
          </span>
        )}
      </Show>
      <span
        class={`connection ${props.connected ? 'connected' : 'disconnected'}`}
        data-testid="connection"
        title={props.connected ? 'Receiving live updates' : 'Live updates paused: reconnecting to the monitor'}
      >
        {props.connected ? 'live updates' : 'reconnecting…'}
      </span>
    </div>
  );
}
