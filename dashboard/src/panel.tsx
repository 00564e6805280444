// A titled panel; the (i) next to the title explains the view on hover.
import type { JSX } from 'solid-js';

export interface PanelProps {
  title: string;
  /** Plain-text explanation shown as the title's tooltip. */
  hint: string;
  class?: string;
  /** Small text at the right of the title bar, e.g. the epoch the panel shows. */
  aside?: JSX.Element;
  testId?: string;
  /** What the panel has drawn (e.g. `phase/epoch/class`), '' while loading: tests wait on `data-rendered-key`. */
  renderedKey?: string;
  /** Whether the panel shows what the scrubbed epoch asks for (`data-settled`); undefined for panels that don't follow it. */
  settled?: boolean;
  /** The panel's element, e.g. to follow its visibility. */
  ref?: (el: HTMLElement) => void;
  children: JSX.Element;
}

export function Panel(props: PanelProps): JSX.Element {
  return (
    <section
      ref={(el) => props.ref?.(el)}
      class={`panel ${props.class ?? ''}`}
      data-testid={props.testId}
      data-rendered-key={props.renderedKey}
      data-settled={props.settled}
    >
      <header class="panel-header">
        <h2 title={props.hint}>
          {props.title}{' '}
          <span class="hint-icon" aria-hidden="true">
            i
          </span>
        </h2>
        <div class="panel-aside">{props.aside}</div>
      </header>
      <div class="panel-body">{props.children}</div>
    </section>
  );
}
