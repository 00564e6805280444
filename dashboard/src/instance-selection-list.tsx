// The instances inside the instance view's brush: image, domain, true class and prediction of each.
import { For, Show, type JSX } from 'solid-js';
import type { InstancePoint } from './instance-model.ts';

export interface InstanceSelectionListProps {
  points: readonly InstancePoint[];
  classNames: readonly string[];
  imageUrl: (point: InstancePoint) => string;
}

// More rows than this are a wall, not a list; the count still says how many were selected.
const SHOWN = 120;

export function InstanceSelectionList(props: InstanceSelectionListProps): JSX.Element {
  const name = (c: number) => props.classNames[c] ?? String(c);
  const wrong = () => props.points.filter((p) => p.predicted !== p.label).length;
  return (
    <div class="instance-selection" data-testid="instance-selection">
      <div class="muted">
        {props.points.length} selected · {wrong()} mispredicted
        <Show when={props.points.length > SHOWN}>{` · showing the first ${SHOWN}`}</Show>
      </div>
      <table class="instance-selection-table">
        <thead>
          <tr>
            <th>image</th>
            <th>domain</th>
            <th>#</th>
            <th>true</th>
            <th>predicted</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.points.slice(0, SHOWN)}>
            {(p) => (
              <tr data-testid="instance-selection-row">
                <td>
                  <img class="instance-thumb" src={props.imageUrl(p)} width="28" height="28" alt="" loading="lazy" />
                </td>
                <td class={p.domain === 0 ? 'source-text' : 'target-text'}>{p.domain === 0 ? 'source' : 'target'}</td>
                <td>{p.index}</td>
                <td>{name(p.label)}</td>
                <td class={p.predicted !== p.label ? 'negative-text' : ''}>{name(p.predicted)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
