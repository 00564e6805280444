// Whether an element is on screen, for views that skip work nobody sees: charts and histograms below the fold
// change on every scrubber move.
import { createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';

// An element this far below (or above) the viewport counts as visible, so scrolling it in shows it drawn.
const VISIBLE_MARGIN = '100px 0px';

export interface Visibility {
  /** True while any part of the observed element is within the viewport (give or take VISIBLE_MARGIN). */
  visible: Accessor<boolean>;
  /** Starts following `el` (call once the element exists, e.g. in onMount). */
  observe(el: Element): void;
}

/** Follows scrolls and layout changes of one element; `initial` holds until the first report. Stops with its owner. */
export function createVisibility(initial = false): Visibility {
  const [visible, setVisible] = createSignal(initial);
  let observer: IntersectionObserver | undefined;
  onCleanup(() => observer?.disconnect());
  return {
    visible,
    observe(el) {
      observer ??= new IntersectionObserver(
        (entries) => {
          const last = entries.at(-1);
          if (last) {
            setVisible(last.isIntersecting);
          }
        },
        { rootMargin: VISIBLE_MARGIN },
      );
      observer.observe(el);
    },
  };
}

/**
 * `value()` while `visible()`, else the value last returned: a view below the fold keeps its elements as they are
 * while the scrubber moves, and catches up once, when scrolled to, instead of updating on every move. Until `value`
 * is first non-null it is followed wherever the view is, so a view opened below the fold is drawn.
 */
export function createFollowOnScreen<T>(value: Accessor<T | null>, visible: Accessor<boolean>): Accessor<T | null> {
  return createMemo<T | null>((shown) => (shown === null || visible() ? value() : shown), null);
}
