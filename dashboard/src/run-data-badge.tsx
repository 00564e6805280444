// One header badge for what a run's data loading skipped (image folders) and whether its source model was imported.
import { Show, type JSX } from 'solid-js';
import type { RunMeta } from '../../core/protocol.ts';
import { runDataSummary } from './run-data-summary.ts';

export function RunDataBadge(props: { run: RunMeta | null }): JSX.Element {
  return (
    <Show when={runDataSummary(props.run)}>
      {(summary) => (
        <span class="badge" data-testid="run-data" title={summary().detail}>
          {summary().text}
        </span>
      )}
    </Show>
  );
}
