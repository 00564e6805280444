// The weight-drift panel: how far each layer of a run has moved from the source model, refreshed as new
// checkpoints arrive, with the epochs the user is looking at marked.
import { createMemo, onMount, Show, type Accessor, type JSX } from 'solid-js';
import type { WeightDriftResponse } from '../../core/compare-protocol.ts';
import { createChart, createVerticalMarker } from './chart.ts';
import { createLatestRequest } from './latest-request.ts';
import { Notice } from './notice.tsx';
import { Panel } from './panel.tsx';
import { WEIGHT_DRIFT_GRID, weightDriftOption, type DriftMark } from './weight-drift-option.ts';

export const WEIGHT_DRIFT_HINT =
  'How much fine-tuning changed each layer: the relative L2 distance ‖W − W_source‖ / ‖W_source‖ of every ' +
  "layer's weights (kernel and bias) at each target checkpoint from the final source checkpoint it was copied " +
  'from. Early layers that barely move carry knowledge over; large drift means the layer was relearned. ' +
  'GET /api/runs/:id/weight-drift';

export interface WeightDriftPanelProps {
  runId: string | null;
  /** Changes whenever the answer may have grown (e.g. the newest checkpoint's step). */
  revision: unknown;
  load(runId: string, signal: AbortSignal): Promise<WeightDriftResponse>;
  marks: readonly DriftMark[];
  /**
   * A target epoch marked by an element over the chart instead of a mark line (null: none): the statistics view's
   * scrubbed epoch moves on every arrow key, and a mark line in the option re-renders and animates the whole chart.
   */
  marker?: number | null;
  class?: string;
  title?: string;
}

function DriftChart(props: { drift: Accessor<WeightDriftResponse>; marks: () => readonly DriftMark[]; marker: () => number | null }): JSX.Element {
  let el!: HTMLDivElement;
  // The marks arrive as a new array on every scrubber move: equal marks must not re-render the chart.
  const marks = createMemo(() => props.marks(), [], {
    equals: (a, b) => a.length === b.length && a.every((m, i) => m.epoch === b[i]?.epoch && m.label === b.at(i)?.label),
  });
  onMount(() =>
    createChart(
      el,
      () => weightDriftOption(props.drift(), marks()),
      (chart) => createVerticalMarker(chart, el, props.marker, WEIGHT_DRIFT_GRID, 'shown'),
    ),
  );
  return <div class="chart" data-testid="weight-drift-chart" ref={el} />;
}

export function WeightDriftPanel(props: WeightDriftPanelProps): JSX.Element {
  const key = createMemo(() => (props.runId === null ? null : { runId: props.runId, revision: props.revision }), null, {
    equals: (a, b) => a?.runId === b?.runId && a?.revision === b?.revision,
  });
  const drift = createLatestRequest(key, (k, signal) => props.load(k.runId, signal));
  const rendered = (): string => {
    const d = drift.value();
    return d && !drift.loading() ? `${d.runId}/${d.checkpoints.length}` : '';
  };
  return (
    <Panel
      class={props.class}
      title={props.title ?? 'Weight drift per layer'}
      hint={WEIGHT_DRIFT_HINT}
      testId="weight-drift-panel"
      renderedKey={rendered()}
      aside={<Show when={drift.value()?.reference}>{(ref) => <span>from source · epoch {ref().epoch}</span>}</Show>}
    >
      <Show when={!drift.error()} fallback={<Notice kind="error">Could not load the weight drift: {drift.error()}</Notice>}>
        <Show when={drift.value()} fallback={<Notice kind="info">Loading…</Notice>}>
          {(d) => (
            <Show
              when={d().checkpoints.length > 0}
              fallback={
                <Notice kind="info" testId="weight-drift-empty">
                  Fine-tuning has no checkpoint yet: the drift appears with the first target checkpoint.
                </Notice>
              }
            >
              <DriftChart drift={d} marks={() => props.marks} marker={() => props.marker ?? null} />
            </Show>
          )}
        </Show>
      </Show>
    </Panel>
  );
}
