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
