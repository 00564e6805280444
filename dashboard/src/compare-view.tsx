// Compare mode: any two epochs (of one run or of two runs) side by side with the differences marked:
// accuracy per class, how far each layer's weights moved, which important neurons and weights changed, both
// instance layouts and feature analyses, and each run's weight drift. The URL holds both sides and the classes
// in focus, so a comparison can be shared.
import { createMemo, createSignal, For, Show, type JSX } from 'solid-js';
import type { ClassAccuracyChange } from '../../core/compare-protocol.ts';
import type { ValidationSplit } from '../../core/protocol.ts';
import { signColor } from './colors.ts';
import { ComparePicker } from './compare-picker.tsx';
import { CompareLayers } from './compare-layers.tsx';
import { CompareImportant } from './compare-important.tsx';
import { CompareInstances } from './compare-instances.tsx';
import { CompareProjections } from './compare-projections.tsx';
import { CompareFeatures } from './compare-features.tsx';
import { checkpointLabel as label } from './compare-side.tsx';
import type { DataClient } from './data-client.ts';
import { percent, signedPoints } from './format.ts';
import { createLatestRequest } from './latest-request.ts';
import { Notice } from './notice.tsx';
import { Panel } from './panel.tsx';
import type { Comparison, InstanceLayout } from './url-state.ts';
import { WeightDriftPanel } from './weight-drift-panel.tsx';

export interface CompareViewProps {
  client: DataClient;
  compare: Comparison;
  onChange(compare: Comparison | null): void;
  /** The instance section's layout (t-SNE or DVI), kept in the URL. */
  layout: InstanceLayout;
  onLayout(layout: InstanceLayout): void;
}

const SPLIT_LABEL: Record<ValidationSplit, string> = { 'target-validation': 'target validation', 'source-validation': 'source validation' };

export function CompareView(props: CompareViewProps): JSX.Element {
  const key = createMemo(() => props.compare, null, { equals: (x, y) => label(x.a) === label(y.a) && label(x.b) === label(y.b) });
  const response = createLatestRequest(key, (k, signal) => props.client.compare(k.a, k.b, signal));
  const [split, setSplit] = createSignal<ValidationSplit>('target-validation');
  const [byDelta, setByDelta] = createSignal<'asc' | 'desc' | null>(null);
  const rows = createMemo((): ClassAccuracyChange[] => {
    const all = response.value()?.classes.filter((r) => r.split === split()) ?? [];
    const order = byDelta();
    return order === null ? all : [...all].sort((x, y) => ((x.delta ?? -Infinity) - (y.delta ?? -Infinity)) * (order === 'asc' ? 1 : -1));
  });
  const rendered = (): string => {
    const r = response.value();
    return r && !response.loading() ? `${label(r.a)}|${label(r.b)}` : '';
  };
  const setClasses = (classes: string[] | undefined): void => {
    const { classes: _, ...sides } = props.compare;
    props.onChange(classes ? { ...sides, classes } : sides);
  };
  const focusClass = (name: string): void => setClasses([name]);
  const sameRun = (): boolean => props.compare.a.runId === props.compare.b.runId;
  const marksFor = (runId: string) =>
    (['a', 'b'] as const)
      .filter((side) => props.compare[side].runId === runId && props.compare[side].phase === 'target')
      .map((side) => ({ epoch: props.compare[side].epoch, label: side.toUpperCase() }));

  return (
    <div class="compare" data-testid="compare-view" data-rendered-key={rendered()}>
      <div class="compare-bar">
        <ComparePicker
          side="a"
          value={props.compare.a}
          runs={props.client.state.runs}
          client={props.client}
          onPick={(a) => props.onChange({ ...props.compare, a })}
        />
        <button
          type="button"
          data-testid="compare-swap"
          title="Swap A and B"
          onClick={() => props.onChange({ ...props.compare, a: props.compare.b, b: props.compare.a })}
        >
          ⇄
        </button>
        <ComparePicker
          side="b"
          value={props.compare.b}
          runs={props.client.state.runs}
          client={props.client}
          onPick={(b) => props.onChange({ ...props.compare, b })}
        />
        <button
          type="button"
          class="compare-exit"
          data-testid="compare-exit"
          title="Leave compare mode (back to the scrubbed run)"
          onClick={() => props.onChange(null)}
        >
          Done
        </button>
      </div>

      <Show
        when={!response.error()}
        fallback={
          <Notice kind="error" testId="compare-error">
            Could not compare: {response.error()}
          </Notice>
        }
      >
        <Show when={response.value()} fallback={<Notice kind="info">Comparing…</Notice>}>
          {(r) => (
            <div class="statistics">
              <Panel
                title="Accuracy, A → B"
                testId="compare-overall"
                hint="Overall validation accuracy of each side's model (from the stored metrics), and the change B − A in percentage points."
              >
                <table class="confusion-table">
                  <thead>
                    <tr>
                      <th>Split</th>
                      <th>A</th>
                      <th>B</th>
                      <th>B − A</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={r().overall}>
                      {(o) => (
                        <tr data-testid="compare-overall-row">
                          <td>{SPLIT_LABEL[o.split]}</td>
                          <td class="num">{percent(o.a)}</td>
                          <td class="num">{percent(o.b)}</td>
                          <td class="num" style={{ color: signColor(o.delta) }}>
                            {signedPoints(o.delta)}
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </Panel>

              <Panel
                class="span-2"
                title="Per-class accuracy, A → B"
                testId="compare-classes"
                hint="Each class's accuracy at A and at B, and the change in percentage points (green: B is better). Classes of two runs are matched by name. Click Δ to sort."
                aside={
                  <select
                    data-testid="compare-split"
                    title="Which validation split's instances"
                    value={split()}
                    onChange={(e) => setSplit(e.currentTarget.value as ValidationSplit)}
                  >
                    <option value="target-validation">target validation</option>
                    <option value="source-validation">source validation</option>
                  </select>
                }
              >
                <table class="confusion-table">
                  <thead>
                    <tr>
                      <th>Class</th>
                      <th>A</th>
                      <th>B</th>
                      <th title="B − A; click to sort">
                        <button type="button" data-testid="compare-sort-delta" onClick={() => setByDelta(byDelta() === 'desc' ? 'asc' : 'desc')}>
                          Δ{byDelta() === null ? '' : byDelta() === 'asc' ? ' ▲' : ' ▼'}
                        </button>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={rows()}>
                      {(row) => (
                        <tr data-testid="compare-class-row">
                          <td>
                            <b>{row.className}</b>
                          </td>
                          <td class="num">{percent(row.a)}</td>
                          <td class="num">{percent(row.b)}</td>
                          <td class="num" data-testid="compare-class-delta" style={{ color: signColor(row.delta) }}>
                            {signedPoints(row.delta)}
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </Panel>

              {/* Before the important neurons: their requests go first, and a layout takes seconds, an abstraction a minute. */}
              <Show
                when={props.layout === 'dvi'}
                fallback={<CompareInstances client={props.client} compare={props.compare} response={r()} onClasses={setClasses} onLayout={props.onLayout} />}
              >
                <CompareProjections client={props.client} compare={props.compare} response={r()} onClasses={setClasses} onLayout={props.onLayout} />
              </Show>
              <CompareFeatures client={props.client} compare={props.compare} response={r()} onFocusClass={focusClass} />
              <CompareLayers response={r()} />
              <CompareImportant client={props.client} compare={props.compare} onFocusClass={focusClass} />

              <WeightDriftPanel
                class={sameRun() ? 'span-3' : ''}
                title={`Weight drift · ${props.compare.a.runId}${sameRun() ? '' : ' (A)'}`}
                runId={props.compare.a.runId}
                revision={rendered()}
                load={(runId, signal) => props.client.weightDrift(runId, signal)}
                marks={marksFor(props.compare.a.runId)}
              />
              <Show when={!sameRun()}>
                <WeightDriftPanel
                  class="span-2"
                  title={`Weight drift · ${props.compare.b.runId} (B)`}
                  runId={props.compare.b.runId}
                  revision={rendered()}
                  load={(runId, signal) => props.client.weightDrift(runId, signal)}
                  marks={marksFor(props.compare.b.runId)}
                />
              </Show>
            </div>
          )}
        </Show>
      </Show>
    </div>
  );
}
