// ECharts with only the parts the dashboard draws (line, scatter and custom series (the DVI map), grid, tooltip, legend, mark lines
// and areas, brush with its toolbox, canvas), which keeps the bundle a fraction of the full library.
import { createEffect, onCleanup, type Accessor } from 'solid-js';
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { CustomChart, LineChart, ScatterChart, type CustomSeriesOption, type LineSeriesOption, type ScatterSeriesOption } from 'echarts/charts';
import {
  BrushComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  ToolboxComponent,
  TooltipComponent,
  type BrushComponentOption,
  type GridComponentOption,
  type LegendComponentOption,
  type MarkAreaComponentOption,
  type MarkLineComponentOption,
  type ToolboxComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([
  CustomChart,
  LineChart,
  ScatterChart,
  BrushComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  ToolboxComponent,
  TooltipComponent,
  CanvasRenderer,
]);

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

export interface ChartHandle {
  chart: ECharts;
  /** Stops following the element's size and frees the chart; call it exactly once. */
  dispose(): void;
}

/** An ECharts instance in `el` that resizes with it (window resizes and layout changes alike). */
export function makeChart(el: HTMLElement): ChartHandle {
  const chart = init(el, undefined, { renderer: 'canvas' });
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(el);
  return {
    chart,
    dispose() {
      observer.disconnect();
      chart.dispose();
    },
  };
}

/** A chart in `el` that re-renders when `option` changes and is disposed with its owner. */
export function createChart(el: HTMLElement, option: Accessor<ChartOption>): ECharts {
  const { chart, dispose } = makeChart(el);
  // Merging (not replacing) keeps the legend's toggled series and the hover state across updates.
  createEffect(() => chart.setOption(option()));
  onCleanup(dispose);
  return chart;
}

/**
 * A vertical line over the chart's grid at `x()` (in x-axis units; null hides it), drawn as an element over the
 * canvas: the scrubbed epoch moves on every arrow key, and moving an element costs nothing, where a mark line in
 * the option makes ECharts merge, lay out and repaint the whole chart. Placed again after every chart update.
 */
export function createVerticalMarker(chart: ECharts, el: HTMLElement, x: Accessor<number | null>, grid: { top: number; bottom: number }): HTMLElement {
  const line = document.createElement('div');
  line.className = 'chart-marker';
  line.dataset.testid = 'chart-marker';
  Object.assign(line.style, { top: `${grid.top}px`, bottom: `${grid.bottom}px` });
  el.style.position = 'relative';
  el.appendChild(line);
  const place = (): void => {
    const at = x();
    const px = at === null ? Number.NaN : Number(chart.convertToPixel({ xAxisIndex: 0 }, at));
    line.style.display = Number.isFinite(px) ? '' : 'none';
    line.style.transform = `translateX(${px}px)`;
    line.dataset.x = at === null ? '' : String(at);
  };
  chart.on('finished', place);
  createEffect(place);
  return line;
}
