// ECharts with only the parts the dashboard draws (line, scatter and custom series (the DVI map), grid, tooltip, legend, mark lines
// and areas, brush with its toolbox, canvas), which keeps the bundle a fraction of the full library. Loaded on demand by
// chart.ts (a dynamic import), so the first paint does not wait for its ~600 kB chunk.
import { init, use, type ECharts } from 'echarts/core';
import { CustomChart, LineChart, ScatterChart } from 'echarts/charts';
import { BrushComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, ToolboxComponent, TooltipComponent } from 'echarts/components';
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
