// Which important neurons (paper §5.3, Figure 3A) and important weights (Figure 3B) of a class stayed, came
// and went between A and B. Needs both sides' network abstractions, which the monitor computes on request.
import { createMemo, For, Show, type JSX } from 'solid-js';
import type { SetChange } from '../../core/compare-protocol.ts';
import { checkpointLabel } from './compare-side.tsx';
import type { DataClient } from './data-client.ts';
import { createLatestRequest } from './latest-request.ts';
import { Notice } from './notice.tsx';
import { Panel } from './panel.tsx';
import type { Comparison } from './url-state.ts';

const HINT =
  'For the chosen class: the important neurons of each layer (top 10% by summed conductance rank) and the ' +
  'important weights between layers at A and at B. kept = important at both, added = only at B, removed = ' +
  "only at A. Computed from both checkpoints' network abstractions; the first request for a checkpoint that " +
  'was not analysed yet takes up to a minute.';

function Counts<T>(props: { change: SetChange<T>; what: string; limit?: number }): JSX.Element {
  const chips = (items: T[], kind: string) => (
    <For each={items.slice(0, props.limit ?? 8)}>
      {(x) => (
        <span class={`chip chip-${kind}`} title={`${props.what} ${String(x)}: ${kind}`}>
          {String(x)}
        </span>
      )}
    </For>
  );
  return (
    <>
      <td class="num" data-testid="important-kept">
        {props.change.kept.length}
      </td>
      <td data-testid="important-added">
        <b>{props.change.added.length}</b> {chips(props.change.added, 'added')}
      </td>
      <td data-testid="important-removed">
        <b>{props.change.removed.length}</b> {chips(props.change.removed, 'removed')}
      </td>
    </>
  );
}

export interface CompareImportantProps {
  client: DataClient;
  compare: Comparison;
  /** Narrows the comparison to one class (its first class is the one shown here). */
  onFocusClass(name: string): void;
}

export function CompareImportant(props: CompareImportantProps): JSX.Element {
  // Only the two sides matter: a change of the comparison's classes must not re-request.
  const key = createMemo(() => ({ a: props.compare.a, b: props.compare.b }), undefined, {
    equals: (x, y) => checkpointLabel(x.a) === checkpointLabel(y.a) && checkpointLabel(x.b) === checkpointLabel(y.b),
  });
  const changes = createLatestRequest(key, (k, signal) => props.client.importantChanges(k.a, k.b, signal));
  const shown = createMemo(() => {
    const classes = changes.value()?.classes ?? [];
    return classes.find((c) => c.className === props.compare.classes?.[0]) ?? classes[0] ?? null;
  });
  return (
    <Panel
      class="span-3"
      title="Important neurons and weights, A → B"
      testId="compare-important"
      hint={HINT}
      renderedKey={shown() && !changes.loading() ? shown()!.className : ''}
      aside={
        <Show when={changes.value()}>
          {(v) => (
            <select
              data-testid="compare-important-class"
              title="Class whose important neurons and weights are compared"
              value={shown()?.className ?? ''}
              onChange={(e) => props.onFocusClass(e.currentTarget.value)}
            >
              <For each={v().classes}>{(c) => <option value={c.className}>class {c.className}</option>}</For>
            </select>
          )}
        </Show>
      }
    >
      <Show
        when={!changes.error()}
        fallback={
          <Notice kind="error" testId="compare-important-error">
            {changes.error()}
          </Notice>
        }
      >
        <Show
          when={shown()}
          fallback={<Notice kind="info">Loading both checkpoints' network abstractions (computed now if missing: up to a minute each)…</Notice>}
        >
          {(c) => (
            <div class="compare-important">
              <table class="confusion-table">
                <thead>
                  <tr>
                    <th>Layer</th>
                    <th title="Important at A and at B">kept</th>
                    <th title="Important only at B">added</th>
                    <th title="Important only at A">removed</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={c().layers}>
                    {(l) => (
                      <tr data-testid="important-layer-row">
                        <td>
                          <b>{l.layer}</b>
                        </td>
                        <Counts change={l.neurons} what={`${l.layer} neuron`} />
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
              <table class="confusion-table">
                <thead>
                  <tr>
                    <th>Weights</th>
                    <th>kept</th>
                    <th>added</th>
                    <th>removed</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={c().boundaries}>
                    {(b) => (
                      <tr data-testid="important-weight-row">
                        <td>
                          <b>
                            {b.fromLayer} → {b.toLayer}
                          </b>
                        </td>
                        <Counts change={b.weights} what="weight" limit={4} />
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          )}
        </Show>
      </Show>
    </Panel>
  );
}
