// The ranking list of the feature view (paper §5.4): each important neuron with its feature visualisation,
// its per-domain conductance histogram and its domain discriminability, sortable; checkboxes pick biplot arrows.
import { createEffect, Index, on, onCleanup, onMount, Show, untrack, type JSX } from 'solid-js';
import type { FeatureNeuron } from '../../core/features-protocol.ts';
import { FeatureHistogram } from './feature-histogram.tsx';
import { neuronId, type SortOrder } from './feature-model.ts';
import { FEATURE_IMAGE_RETRY, makeImageQueue } from './image-queue.ts';
import { createVisibility } from './visibility.ts';

const IMAGES_IN_FLIGHT = 2;
// Rows the list shows before it is scrolled (about a dozen at its height), with a margin: their histograms are
// drawn with the list; the others once scrolled to.
const EAGER_ROWS = 16;
const BLANK_IMAGE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

export interface FeatureRankingProps {
  /** Already in display order. */
  neurons: FeatureNeuron[];
  order: SortOrder;
  onToggleOrder: () => void;
  axes: ReadonlySet<string>;
  onToggleAxis: (id: string) => void;
  imageUrl: (neuron: FeatureNeuron) => string;
  /** Largest |weight| of the class: the bars share its scale. */
  maxWeight: number;
  /** Compare mode: rows to flag by `neuronId`, with the badge text and its tooltip. */
  marks?: ReadonlyMap<string, { badge: string; title: string }>;
  /**
   * `list` (default): a row's image loads once the row is in the list's visible part; `page`: once it is on
   * screen too, for lists that start below the fold (compare mode's two lists would otherwise render 20 at once).
   */
  lazyIn?: 'list' | 'page';
  testId?: string;
}

const WEIGHT_HINT =
  "Domain discriminability: the linear SVM's weight for this neuron (conductance scaled to [−1, 1]). " +
  'Large |weight|: the neuron fires differently on source and target instances; positive: high values look source-like. ' +
  'Click to sort ascending or descending by |weight|.';

export function FeatureRanking(props: FeatureRankingProps): JSX.Element {
  let scroller!: HTMLDivElement;
  // Each image is rendered by a child process on first request, so only rows scrolled into view ask for one,
  // and at most IMAGES_IN_FLIGHT at a time: the browser's six connections per host must stay free for the API.
  let observer: IntersectionObserver | undefined;
  const pending = new Set<HTMLImageElement>();
  const images = makeImageQueue(IMAGES_IN_FLIGHT, FEATURE_IMAGE_RETRY);
  const lazy = (img: HTMLImageElement): void => {
    if (observer) {
      observer.observe(img);
    } else {
      pending.add(img);
    }
  };
  // The list's own observer sees rows in its visible part even when the whole list is below the fold: those wait
  // until the list is on the page (every checkpoint change would otherwise render a dozen images nobody sees).
  const page = createVisibility();
  const offPage = new Set<HTMLImageElement>();
  const load = (img: HTMLImageElement): void => {
    observer?.unobserve(img);
    offPage.delete(img);
    images.request(img);
  };
  createEffect(() => {
    if (page.visible()) {
      for (const img of [...offPage]) {
        if (img.isConnected) {
          load(img);
        }
      }
      offPage.clear();
    }
  });
  onMount(() => {
    page.observe(scroller);
    observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const img = entry.target as HTMLImageElement;
          if (!img.isConnected) {
            observer?.unobserve(img);
            offPage.delete(img);
          } else if (!entry.isIntersecting) {
            offPage.delete(img);
          } else if (props.lazyIn === 'page' || untrack(page.visible)) {
            load(img);
          } else {
            offPage.add(img);
          }
        }
        // With the page as root, the list's own scrolling still clips: only rows visible in both count.
      },
      props.lazyIn === 'page' ? { root: null } : { root: scroller, rootMargin: '40px' },
    );
    pending.forEach((img) => observer!.observe(img));
    pending.clear();
  });
  onCleanup(() => {
    observer?.disconnect();
    images.clear();
  });

  return (
    <div class="feature-ranking" ref={scroller} data-testid={props.testId ?? 'feature-ranking'}>
      <table>
        <thead>
          <tr>
            <th title="Draw this neuron's biplot arrow in the discriminability plot">axis</th>
            <th title="Layer of the important neuron">layer</th>
            <th title="Channel (conv) or unit (dense) index">#</th>
            <th title="Feature visualisation: an input that makes the neuron fire on this checkpoint's model">feature</th>
            <th title="Scaled conductance of source instances (red, up) and target instances (blue, down), 16 bins over [−1, 1]">conductance</th>
            <th class="feature-sort" data-testid="feature-sort" data-order={props.order} title={WEIGHT_HINT} onClick={() => props.onToggleOrder()}>
              discriminability {props.order === 'descending' ? '▼' : '▲'}
            </th>
          </tr>
        </thead>
        <tbody>
          <Index each={props.neurons}>
            {(n, row) => {
              // Rows are kept by position across checkpoints and sort orders, so a row's image must follow its neuron.
              let img!: HTMLImageElement;
              createEffect(
                on(
                  () => props.imageUrl(n()),
                  () => {
                    // A blank image, not a removed src: the old image must go, and a load in flight must still end
                    // with a load event, which frees its place in the image queue.
                    if (img.hasAttribute('src')) {
                      img.src = BLANK_IMAGE;
                    }
                    lazy(img);
                  },
                  { defer: true },
                ),
              );
              return (
                <tr
                  data-testid="feature-row"
                  data-neuron={neuronId(n())}
                  data-marked={props.marks?.has(neuronId(n())) ? 'true' : undefined}
                  classList={{ 'feature-row-marked': props.marks?.has(neuronId(n())) ?? false }}
                >
                  <td>
                    <input
                      type="checkbox"
                      data-testid="feature-axis-toggle"
                      checked={props.axes.has(neuronId(n()))}
                      onChange={() => props.onToggleAxis(neuronId(n()))}
                      title={`Show ${n().layer} #${n().neuron} as a biplot arrow`}
                    />
                  </td>
                  <td>{n().layer}</td>
                  <td>
                    {n().neuron}
                    <Show when={props.marks?.get(neuronId(n()))}>
                      {(mark) => (
                        <span class="chip feature-mark" data-testid="feature-mark" title={mark().title}>
                          {mark().badge}
                        </span>
                      )}
                    </Show>
                  </td>
                  <td>
                    <img
                      ref={(el) => {
                        img = el;
                        lazy(el);
                      }}
                      data-testid="feature-image"
                      data-src={props.imageUrl(n())}
                      width="32"
                      height="32"
                      // Empty alt: a half-loaded image would otherwise show its alt text squeezed into 32 px.
                      alt=""
                      aria-label={`Feature visualisation of ${n().layer} neuron ${n().neuron}`}
                      title={`${n().layer} #${n().neuron}: an input that makes it fire (gradient ascent on this checkpoint's model)`}
                    />
                  </td>
                  <td>
                    <FeatureHistogram source={n().source} target={n().target} eager={row < EAGER_ROWS} />
                  </td>
                  <td
                    class="feature-weight"
                    title={`weight ${n().weight}: ${n().weight > 0 ? 'high values look source-like' : n().weight < 0 ? 'high values look target-like' : 'no domain preference'}`}
                  >
                    <span
                      class="feature-weight-bar"
                      style={{
                        width: `${(Math.abs(n().weight) / Math.max(props.maxWeight, 1e-9)) * 50}px`,
                        background: n().weight >= 0 ? 'var(--source)' : 'var(--target)',
                      }}
                    />
                    {n().weight.toFixed(3)}
                  </td>
                </tr>
              );
            }}
          </Index>
        </tbody>
      </table>
    </div>
  );
}
