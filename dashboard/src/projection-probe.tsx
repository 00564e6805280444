// The inverse, interactive (DeepVisualInsight): the class probabilities of the point decoded from a spot of the map,
// under the cursor or pinned by a click.
import { For, Show, type JSX } from 'solid-js';
import { classColor } from './instance-model.ts';
import { rankedClasses } from './projection-model.ts';

export interface ProbedSpot {
  x: number;
  y: number;
  /** Pinned by a click: it stays while the cursor moves on (and across scrubbing, read from each checkpoint's map). */
  pinned: boolean;
}

export interface ProjectionProbeProps {
  spot: ProbedSpot | null;
  /** Probabilities at the spot, null when it lies outside the map. */
  probabilities: readonly number[] | null;
  classNames: readonly string[];
  onUnpin(): void;
  testId?: string;
}

const SHOWN_CLASSES = 4;

export function ProjectionProbe(props: ProjectionProbeProps): JSX.Element {
  const name = (c: number): string => props.classNames[c] ?? String(c);
  return (
    <div class="projection-probe" data-testid={props.testId ?? 'projection-probe'}>
      <Show
        when={props.spot && props.probabilities ? { spot: props.spot, probabilities: props.probabilities } : null}
        fallback={
          <p class="muted" data-testid="projection-probe-hint">
            {props.spot
              ? 'That spot lies outside the map: hover or click inside it.'
              : 'Hover or click an empty spot of the map for the class probabilities of the point decoded from it.'}
          </p>
        }
      >
        {(shown) => (
          <>
            <div class="projection-probe-head">
              decoded at ({shown().spot.x.toFixed(2)}, {shown().spot.y.toFixed(2)}){shown().spot.pinned ? ' · pinned' : ''}
              <Show when={shown().spot.pinned}>
                <button type="button" class="link-button" onClick={() => props.onUnpin()} title="Follow the cursor again">
                  ×
                </button>
              </Show>
            </div>
            <For each={rankedClasses(shown().probabilities, SHOWN_CLASSES)}>
              {(entry) => (
                <div class="projection-probe-row" data-testid="projection-probe-row">
                  <span class="projection-probe-name">{name(entry.classIndex)}</span>
                  <span class="projection-probe-bar">
                    <span style={{ width: `${(100 * entry.probability).toFixed(1)}%`, background: classColor(entry.classIndex, props.classNames.length) }} />
                  </span>
                  <span class="projection-probe-value">{(100 * entry.probability).toFixed(1)}%</span>
                </div>
              )}
            </For>
          </>
        )}
      </Show>
    </div>
  );
}
