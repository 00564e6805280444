// The header's live line: the newest committed epoch, its phase and training throughput, and the connection.
import { Show, type JSX } from 'solid-js';
import type { AnalysisEvent, EpochRecord } from '../../core/protocol.ts';
import { imagesPerSecond } from './format.ts';

export interface LiveStatusProps {
  latest: EpochRecord | null;
  connected: boolean;
  analysis: AnalysisEvent | null;
}

const ANALYSIS_TEXT: Record<AnalysisEvent['status'], string> = {
  queued: 'queued',
  running: 'computing…',
  done: 'ready',
  failed: 'failed',
};

export function LiveStatus(props: LiveStatusProps): JSX.Element {
  return (
    <div class="live-status" data-testid="live-status">
      <Show when={props.latest}>
        {(latest) => (
          <span title="The newest committed epoch, and the training speed measured over it">
            <span class={`phase-dot phase-${latest().phase}`} aria-hidden="true" />
            newest:{' '}
            <b>
              {latest().phase} · epoch {latest().epoch}
            </b>
            <span class="muted"> · {imagesPerSecond(latest().trainImagesPerSecond)}</span>
          </span>
        )}
      </Show>
      <Show when={props.analysis}>
        {(a) => (
          <span
            class={`analysis analysis-${a().status}`}
            data-testid="analysis-status"
            title={`The newest checkpoint's analyses (instance layout, network abstraction, features), computed in the background in that order${a().message ? `: ${a().message}` : ''}`}
          >
            analyses {a().at.phase} · epoch {a().at.epoch}: {ANALYSIS_TEXT[a().status]}
            <Show when={a().status === 'running' && a().message}>{(m) => <span class="muted"> ({m()})</span>}</Show>
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
