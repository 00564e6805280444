// Chooses the run every view shows (the newest unless the URL names one), with its status and backend.
import { For, Show, type JSX } from 'solid-js';
import type { RunSummary } from '../../core/protocol.ts';
import { runStatusTitle } from './run-status.ts';

export interface RunPickerProps {
  runs: readonly RunSummary[];
  /** The run shown; may be missing from `runs` (a shared link to a deleted run). */
  activeRunId: string | null;
  onPick(runId: string): void;
}

function optionLabel(run: RunSummary): string {
  const started = new Date(run.createdAt).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
  return `${run.configName} · ${started} · ${run.id}`;
}

export function RunPicker(props: RunPickerProps): JSX.Element {
  const active = (): RunSummary | undefined => props.runs.find((run) => run.id === props.activeRunId);
  const unknownActive = (): boolean => props.activeRunId !== null && active() === undefined;
  return (
    <div class="run-picker">
      <label class="run-picker-label" for="run-picker">
        Run
      </label>
      <select
        id="run-picker"
        data-testid="run-picker"
        title="The run every view shows. Without a choice, the newest run is shown and a newly started run replaces it."
        value={props.activeRunId ?? ''}
        disabled={props.runs.length === 0}
        onChange={(e) => props.onPick(e.currentTarget.value)}
      >
        <Show when={unknownActive()}>
          <option value={props.activeRunId ?? ''} selected>
            {props.activeRunId} (not in the run list)
          </option>
        </Show>
        <For each={props.runs}>
          {(run) => (
            <option value={run.id} selected={run.id === props.activeRunId}>
              {optionLabel(run)}
            </option>
          )}
        </For>
      </select>
      <Show when={active()}>
        {(run) => (
          <>
            <span class={`badge status-${run().status}`} data-testid="run-status" title={runStatusTitle(run().status, run().id)}>
              {run().status}
            </span>
            <span class="badge backend" data-testid="run-backend" title="TensorFlow.js backend the trainer runs on">
              {run().backend}
            </span>
          </>
        )}
      </Show>
    </div>
  );
}
