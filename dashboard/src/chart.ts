// Charts of the dashboard: ECharts, loaded on demand (echarts-setup.ts is its own chunk, so the first paint does not
// wait for it), drawn only while on screen, and a DOM marker over a chart for the scrubbed epoch.
import { createEffect, getOwner, onCleanup, runWithOwner, type Accessor } from 'solid-js';
import type { ComposeOption, ECharts } from 'echarts/core';
import type { CustomSeriesOption, LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type {
  BrushComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  MarkLineComponentOption,
  ToolboxComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import { createVisibility } from './visibility.ts';

export type ChartOption = ComposeOption<
  | CustomSeriesOption
  | LineSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | MarkLineComponentOption
  | MarkAreaComponentOption
  | BrushComponentOption
  | ToolboxComponentOption
>;

let echartsChunk: Promise<typeof import('./echarts-setup.ts')> | null = null;
/** The ECharts chunk, fetched once, when the first chart is created. */
const loadECharts = (): Promise<typeof import('./echarts-setup.ts')> => (echartsChunk ??= import('./echarts-setup.ts'));

/**
 * Merges `option()` into `chart` while `visible()`. Off screen it only notes that the option changed (the views
 * below the fold change on every scrubber move, and a chart nobody sees need not be laid out and painted), and a
 * chart that comes back on screen gets the newest option once. Options are complete, so merging only the newest
 * one draws what merging each in turn would.
 */
function followOption(chart: ECharts, option: Accessor<ChartOption>, visible: Accessor<boolean>): void {
  let wasVisible = false;
  // Whether the chart lacks the current option.
  let stale = true;
  createEffect(() => {
    if (visible()) {
      const next = option();
      if (stale || wasVisible) {
        chart.setOption(next);
      }
      stale = false;
      wasVisible = true;
    } else if (wasVisible) {
      // Just left the screen, showing the current option: reading it subscribes to its next change.
      option();
      wasVisible = false;
    } else {
      // Off screen and the option changed (or was never drawn): no subscription until the chart is back.
      stale = true;
    }
  });
}

/**
 * A chart in `el` that follows `option` while on screen and is disposed with its owner. The chart is made when `el`
 * is first on screen; `onReady` runs once it exists (ECharts arrives asynchronously), under the same owner, to add
 * event handlers or markers.
 */
export function createChart(el: HTMLElement, option: Accessor<ChartOption>, onReady?: (chart: ECharts) => void): void {
  const owner = getOwner();
  const { visible, observe } = createVisibility();
  observe(el);
  let disposed = false;
  onCleanup(() => {
    disposed = true;
  });
  loadECharts().then(
    ({ makeChart }) => {
      if (disposed) {
        return;
      }
      runWithOwner(owner, () => {
        // ECharts' init (a zrender instance with its listeners and layers) costs milliseconds per chart: one below the
        // fold is made when first on screen, so a view that appears on a scrubber move (the feature and instance
        // views, on the first checkpoint) does not pay for charts nobody looks at.
        let made = false;
        createEffect(() => {
          if (made || !visible()) {
            return;
          }
          made = true;
          // Owned by the component, not this effect, so the chart lives as long as the component.
          runWithOwner(owner, () => {
            const { chart, dispose } = makeChart(el);
            onCleanup(dispose);
            // Handlers first, so they see the first drawing's events.
            onReady?.(chart);
            followOption(chart, option, visible);
          });
        });
      });
    },
    () => {
      el.dataset.chartError = 'true';
      el.textContent = 'Could not load the chart library: reload the page.';
    },
  );
}

/**
 * A vertical line over the chart's grid at `x()` (in x-axis units; null hides it), drawn as an element over the
 * canvas: the scrubbed epoch moves on every arrow key, and moving an element costs nothing, where a mark line in
 * the option makes ECharts merge, lay out and repaint the whole chart. Placed again after every chart update.
 */
export function createVerticalMarker(
  chart: ECharts,
  el: HTMLElement,
  x: Accessor<number | null>,
  grid: { top: number; bottom: number },
  /** Text at the line's top end, as a mark line's label would show it. */
  label?: string,
): HTMLElement {
  const line = document.createElement('div');
  line.className = 'chart-marker';
  line.dataset.testid = 'chart-marker';
  if (label) {
    const text = document.createElement('span');
    text.className = 'chart-marker-label';
    text.textContent = label;
    line.appendChild(text);
  }
  Object.assign(line.style, { top: `${grid.top}px`, bottom: `${grid.bottom}px` });
  el.style.position = 'relative';
  el.appendChild(line);
  // Before its first option (off screen, or ECharts still arriving) a chart has no axis to convert on. Once it has
  // one it keeps one, so `getOption()` (a deep copy of the whole option) is asked only until then, not on every move.
  let drawn = false;
  const place = (): void => {
    const at = x();
    drawn ||= (chart.getOption() as unknown) !== undefined;
    const px = at === null || !drawn ? Number.NaN : Number(chart.convertToPixel({ xAxisIndex: 0 }, at));
    line.style.display = Number.isFinite(px) ? '' : 'none';
    line.style.transform = `translateX(${px}px)`;
    line.dataset.x = at === null ? '' : String(at);
  };
  chart.on('finished', place);
  createEffect(place);
  return line;
}
