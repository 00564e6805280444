// The instance views' layout switch: t-SNE (paper §5.2) or DVI's projection with its decision-boundary map; the URL keeps it.
import { For, type JSX } from 'solid-js';
import type { InstanceLayout } from './url-state.ts';

const LAYOUTS: { layout: InstanceLayout; label: string; title: string }[] = [
  { layout: 'tsne', label: 't-SNE', title: "t-SNE of the model's activations: keeps local neighbourhoods best, but has no inverse, so no boundaries." },
  {
    layout: 'dvi',
    label: 'DVI (boundaries)',
    title:
      "DeepVisualInsight's parametric projection: the model's decision boundaries drawn under the points, and any spot decoded back to class probabilities.",
  },
];

export function LayoutSwitch(props: { layout: InstanceLayout; onLayout(layout: InstanceLayout): void }): JSX.Element {
  return (
    <span class="layout-switch" role="group" aria-label="Instance layout">
      <For each={LAYOUTS}>
        {(entry) => (
          <button
            type="button"
            aria-pressed={props.layout === entry.layout}
            data-testid={`layout-switch-${entry.layout}`}
            title={entry.title}
            onClick={() => props.onLayout(entry.layout)}
          >
            {entry.label}
          </button>
        )}
      </For>
    </span>
  );
}
