// The statistics view's confusion table (paper §5.1): per class, how the source and target models do on
// target validation, the difference fine-tuning made, and where the instances go when mispredicted.
import { createMemo, createSignal, For, Show, type JSX } from 'solid-js';
import type { ConfusionRow } from '../../core/protocol.ts';
import { signColor } from './colors.ts';
import { DEFAULT_CONFUSION_SORT, nextConfusionSort, sortConfusionRows, type ConfusionSortKey } from './confusion-sort.ts';
import { percent, signedPoints } from './format.ts';

interface Column {
  key: ConfusionSortKey;
  label: string;
  hint: string;
  class?: string;
}

const COLUMNS: readonly Column[] = [
  { key: 'class', label: 'Class', hint: 'Class of the target-validation instances (support: how many there are)' },
  { key: 'sourceModelAccuracy', label: 'Source model', class: 'source', hint: 'Accuracy of the source model on this class of target validation' },
  {
    key: 'targetModelAccuracy',
    label: 'Target model',
    class: 'target',
    hint: 'Accuracy of the fine-tuned target model on this class of target validation (— during the source phase)',
  },
  { key: 'difference', label: 'Difference', hint: 'Target-model minus source-model accuracy, in percentage points: green where fine-tuning helped' },
  {
    key: 'mispredicted',
    label: 'Mispredicted into',
    hint: 'Classes this class is mistaken for by the model of the shown epoch, with counts; sorts by the total',
  },
];

/** Chips after which the rest are summarized, so a confused class doesn't blow up its row. */
const MAX_CHIPS = 5;

export interface ConfusionTableProps {
  rows: readonly ConfusionRow[];
}

export function ConfusionTable(props: ConfusionTableProps): JSX.Element {
  const [sort, setSort] = createSignal(DEFAULT_CONFUSION_SORT);
  const rows = createMemo(() => sortConfusionRows(props.rows, sort()));
  const ariaSort = (key: ConfusionSortKey): 'ascending' | 'descending' | 'none' =>
    sort().key !== key ? 'none' : sort().direction === 'asc' ? 'ascending' : 'descending';

  return (
    <table class="confusion-table" data-testid="confusion-table">
      <thead>
        <tr>
          <For each={COLUMNS}>
            {(column) => (
              <th class={column.class} aria-sort={ariaSort(column.key)} title={column.hint}>
                <button type="button" data-testid={`confusion-sort-${column.key}`} onClick={() => setSort(nextConfusionSort(sort(), column.key))}>
                  {column.label}
                  <span class="sort-arrow" aria-hidden="true">
                    {ariaSort(column.key) === 'none' ? '' : sort().direction === 'asc' ? ' ▲' : ' ▼'}
                  </span>
                </button>
              </th>
            )}
          </For>
        </tr>
      </thead>
      <tbody>
        <For each={rows()}>
          {(row) => (
            <tr data-testid="confusion-row">
              <td>
                <b>{row.className}</b> <span class="muted">({row.support})</span>
              </td>
              <td class="num">{percent(row.sourceModelAccuracy)}</td>
              <td class="num">{percent(row.targetModelAccuracy)}</td>
              <td class="num" style={{ color: signColor(row.difference) }}>
                {signedPoints(row.difference)}
              </td>
              <td>
                <Show when={row.mispredictedInto.length > 0} fallback={<span class="muted">—</span>}>
                  <For each={row.mispredictedInto.slice(0, MAX_CHIPS)}>
                    {(entry) => (
                      <span class="chip" title={`${entry.count} instance(s) of ${row.className} predicted as ${entry.className}`}>
                        {entry.className}
                        <span class="chip-count">{entry.count}</span>
                      </span>
                    )}
                  </For>
                  <Show when={row.mispredictedInto.length > MAX_CHIPS}>
                    <span class="muted"> +{row.mispredictedInto.length - MAX_CHIPS} more</span>
                  </Show>
                </Show>
              </td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
