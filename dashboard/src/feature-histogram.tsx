// A neuron's mirrored histogram of scaled conductance (paper §5.4's ranking list): source bars (red) above
// the axis, target bars (blue) below, on one count scale so the two domains compare at a glance. Bars are
// rendered by position: another checkpoint's histogram updates the same rectangles, and only while on screen: the
// ranking has 75 of them and shows about a dozen, and the rest are created or catch up when scrolled to.
import { createMemo, Index, onMount, type JSX } from 'solid-js';
import { SOURCE_COLOR, TARGET_COLOR } from './colors.ts';
import { histogramBars, type HistogramBar } from './feature-model.ts';
import { createVisibility } from './visibility.ts';

export interface FeatureHistogramProps {
  source: readonly number[];
  target: readonly number[];
  width?: number;
  height?: number;
  /**
   * Draw before the first visibility report (default true). False for rows the ranking's list starts scrolled past:
   * their bars are created once first on screen, not with the list (a ranking of 75 neurons is ~5,000 elements,
   * created whenever the feature view appears, e.g. scrubbing onto the first checkpoint).
   */
  eager?: boolean;
}

const NO_BARS: ReturnType<typeof histogramBars> = { source: [], target: [] };

const range = (bar: HistogramBar): string => `[${bar.from.toFixed(2)}, ${bar.to.toFixed(2)})`;

export function FeatureHistogram(props: FeatureHistogramProps): JSX.Element {
  const width = (): number => props.width ?? 112;
  const height = (): number => props.height ?? 34;
  let svg!: SVGSVGElement;
  // An eager histogram counts as visible until the first report, so its first bars are drawn wherever it is.
  const { visible, observe } = createVisibility(props.eager ?? true);
  onMount(() => observe(svg));
  const bars = createMemo<ReturnType<typeof histogramBars>>((shown) =>
    visible() ? histogramBars(props.source, props.target, width(), height()) : (shown ?? NO_BARS),
  );
  return (
    <svg ref={svg} class="feature-histogram" data-testid="feature-histogram" width={width()} height={height()} viewBox={`0 0 ${width()} ${height()}`}>
      <Index each={bars().source}>
        {(bar) => (
          <rect x={bar().x} y={bar().y} width={bar().width} height={Math.max(bar().height, 0)} fill={SOURCE_COLOR}>
            <title>{`source: ${bar().count} instance${bar().count === 1 ? '' : 's'} with scaled conductance in ${range(bar())}`}</title>
          </rect>
        )}
      </Index>
      <Index each={bars().target}>
        {(bar) => (
          <rect x={bar().x} y={bar().y} width={bar().width} height={Math.max(bar().height, 0)} fill={TARGET_COLOR}>
            <title>{`target: ${bar().count} instance${bar().count === 1 ? '' : 's'} with scaled conductance in ${range(bar())}`}</title>
          </rect>
        )}
      </Index>
      <line x1="0" x2={width()} y1={height() / 2} y2={height() / 2} stroke="#888" stroke-width="0.6" />
    </svg>
  );
}
