// The instances whose prediction changed from A to B: per class and domain how many were fixed and broken, then
// the instances themselves with their image and both predictions.
import { For, Show, type JSX } from 'solid-js';
import type { ClassChangeCounts, InstanceChange } from './compare-instances-model.ts';

export interface CompareInstanceChangesProps {
  /** Changes of the classes shown, in A's row order. */
  changes: readonly InstanceChange[];
  counts: readonly ClassChangeCounts[];
  classNames: readonly string[];
  imageUrl: (change: InstanceChange) => string;
  /** Narrows the comparison to one class. */
  onFocusClass: (name: string) => void;
}

// More rows than this are a wall, not a list; the counts above still say how many changed.
const SHOWN = 120;
const DOMAIN = ['source', 'target'] as const;

export function CompareInstanceChanges(props: CompareInstanceChangesProps): JSX.Element {
  const name = (c: number): string => props.classNames[c] ?? String(c);
  const total = (key: 'fixed' | 'broken', domain: 0 | 1): number => props.counts.reduce((sum, c) => sum + c[key][domain], 0);
  // Target first: fine-tuning is about the target domain; the source columns show what it cost there.
  const cells = (get: (key: 'fixed' | 'broken', domain: 0 | 1) => number, testId?: string): JSX.Element => (
    <For each={[1, 0] as const}>
      {(domain) => (
        <>
          <td class="num positive-text" data-testid={testId && `${testId}-fixed-${DOMAIN[domain]}`}>
            {get('fixed', domain) || ''}
          </td>
          <td class="num negative-text" data-testid={testId && `${testId}-broken-${DOMAIN[domain]}`}>
            {get('broken', domain) || ''}
          </td>
        </>
      )}
    </For>
  );
  return (
    <div class="compare-instance-changes" data-testid="compare-instance-changes">
      <table class="confusion-table">
        <thead>
          <tr>
            <th rowSpan={2}>Class</th>
            <th colSpan={2} class="target-text">
              target validation
            </th>
            <th colSpan={2} class="source-text">
              source validation
            </th>
          </tr>
          <tr>
            <th title="Mispredicted at A, right at B">fixed</th>
            <th title="Right at A, mispredicted at B">broken</th>
            <th title="Mispredicted at A, right at B">fixed</th>
            <th title="Right at A, mispredicted at B">broken</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.counts}>
            {(row) => (
              <tr data-testid="compare-change-row" data-class={name(row.classIndex)}>
                <td>
                  <button
                    type="button"
                    class="link-button"
                    title={`Compare class ${name(row.classIndex)} alone`}
                    onClick={() => props.onFocusClass(name(row.classIndex))}
                  >
                    <b>{name(row.classIndex)}</b>
                  </button>
                </td>
                {cells((key, domain) => row[key][domain])}
              </tr>
            )}
          </For>
          <tr class="compare-change-total" data-testid="compare-change-total">
            <td>
              <b>all shown</b>
            </td>
            {cells(total, 'compare-change-total')}
          </tr>
        </tbody>
      </table>
      <div class="instance-selection">
        <div class="muted">
          {props.changes.length} changed predictions
          <Show when={props.changes.length > SHOWN}>{` · showing the first ${SHOWN}`}</Show>
        </div>
        <Show when={props.changes.length > 0}>
          <table class="instance-selection-table">
            <thead>
              <tr>
                <th>image</th>
                <th>domain</th>
                <th>#</th>
                <th>true</th>
                <th>A predicted</th>
                <th>B predicted</th>
                <th />
              </tr>
            </thead>
            <tbody>
              <For each={props.changes.slice(0, SHOWN)}>
                {(c) => (
                  <tr data-testid="compare-change-instance" data-id={c.id} data-change={c.change}>
                    <td>
                      <img class="instance-thumb" src={props.imageUrl(c)} width="28" height="28" alt="" loading="lazy" />
                    </td>
                    <td class={c.domain === 0 ? 'source-text' : 'target-text'}>{DOMAIN[c.domain]}</td>
                    <td>{c.index}</td>
                    <td>{name(c.label)}</td>
                    <td class={c.predictedA !== c.label ? 'negative-text' : ''}>{name(c.predictedA)}</td>
                    <td class={c.predictedB !== c.label ? 'negative-text' : ''}>{name(c.predictedB)}</td>
                    <td class={c.change === 'fixed' ? 'positive-text' : 'negative-text'}>{c.change}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </div>
    </div>
  );
}
