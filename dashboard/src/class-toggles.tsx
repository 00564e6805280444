// The instance views' row of class buttons (each in its class colour, struck through when hidden) with "all"
// and, optionally, "none": shared by the instance view and compare mode's instance section.
import { For, Show, type JSX } from 'solid-js';
import { classColor } from './instance-model.ts';

export interface ClassTogglesProps {
  names: readonly string[];
  shown: (name: string, index: number) => boolean;
  onToggle: (name: string, index: number) => void;
  onAll: () => void;
  /** Omitted: no "none" button. */
  onNone?: () => void;
  testId: string;
  /** Appended to each button's tooltip, e.g. where the choice is kept. */
  note?: string;
}

export function ClassToggles(props: ClassTogglesProps): JSX.Element {
  return (
    <div class="instance-classes" role="group" aria-label="classes shown">
      <For each={props.names}>
        {(name, c) => (
          <button
            type="button"
            class="instance-class"
            classList={{ off: !props.shown(name, c()) }}
            aria-pressed={props.shown(name, c())}
            data-testid={props.testId}
            title={`Show or hide class ${name}${props.note ? ` (${props.note})` : ''}`}
            onClick={() => props.onToggle(name, c())}
          >
            <span class="instance-swatch" style={{ background: classColor(c(), props.names.length) }} />
            {name}
          </button>
        )}
      </For>
      <button type="button" class="instance-class" title="Show every class" onClick={() => props.onAll()}>
        all
      </button>
      <Show when={props.onNone}>
        {(onNone) => (
          <button type="button" class="instance-class" title="Hide every class, then pick some" onClick={() => onNone()()}>
            none
          </button>
        )}
      </Show>
    </div>
  );
}
