// Picks one side of a comparison: any run, then any of its committed epochs (checkpoints marked, since only
// they have weights to compare).
import { createMemo, For, Show, type JSX } from 'solid-js';
import type { CheckpointId } from '../../core/compare-protocol.ts';
import type { RunSummary } from '../../core/protocol.ts';
import type { DataClient } from './data-client.ts';
import { createLatestRequest } from './latest-request.ts';

export interface ComparePickerProps {
  side: 'a' | 'b';
  value: CheckpointId;
  runs: readonly RunSummary[];
  client: DataClient;
  onPick(id: CheckpointId): void;
}

const epochValue = (phase: string, epoch: number): string => `${phase}:${epoch}`;

export function ComparePicker(props: ComparePickerProps): JSX.Element {
  const runId = createMemo(() => props.value.runId);
  const metrics = createLatestRequest(runId, (id, signal) => props.client.metrics(id, signal));
  const pickRun = (id: string): void => {
    // Another run's epochs arrive later; its last epoch is the likeliest choice, so ask for it once loaded.
    void props.client.metrics(id).then((m) => {
      const last = m.epochs.filter((e) => e.checkpoint).at(-1) ?? m.epochs.at(-1);
      props.onPick({ runId: id, phase: last?.phase ?? 'source', epoch: last?.epoch ?? 1 });
    });
  };
  return (
    <div class={`compare-picker side-${props.side}`} data-testid={`compare-picker-${props.side}`}>
      <span class="compare-side-label" title={props.side === 'a' ? 'The baseline: differences are B − A' : 'Compared with A: differences are B − A'}>
        {props.side.toUpperCase()}
      </span>
      <select data-testid={`compare-${props.side}-run`} title="Run of this side" value={props.value.runId} onChange={(e) => pickRun(e.currentTarget.value)}>
        <Show when={!props.runs.some((r) => r.id === props.value.runId)}>
          <option value={props.value.runId}>{props.value.runId}</option>
        </Show>
        <For each={props.runs}>
          {(run) => (
            <option value={run.id} selected={run.id === props.value.runId}>
              {run.configName} · {run.id}
            </option>
          )}
        </For>
      </select>
      <select
        data-testid={`compare-${props.side}-epoch`}
        title="Epoch of this side; ◆ marks checkpoints (weights stored, so layers and neurons can be compared)"
        value={epochValue(props.value.phase, props.value.epoch)}
        onChange={(e) => {
          const [phase, epoch] = e.currentTarget.value.split(':');
          props.onPick({ runId: props.value.runId, phase: phase === 'target' ? 'target' : 'source', epoch: Number(epoch) });
        }}
      >
        <For each={metrics.value()?.epochs ?? []}>
          {(e) => (
            <option value={epochValue(e.phase, e.epoch)} selected={e.phase === props.value.phase && e.epoch === props.value.epoch}>
              {e.phase} · epoch {e.epoch}
              {e.checkpoint ? ' ◆' : ''}
            </option>
          )}
        </For>
      </select>
    </div>
  );
}
