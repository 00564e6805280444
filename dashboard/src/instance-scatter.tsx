// The instance view's scatter plot: an ECharts chart that follows its option and reports brushed points, and
// spots of the plot without a point under the cursor (the DVI inverse reads the map there).
import { onMount, type JSX } from 'solid-js';
import { createChart } from './chart.ts';
import { instanceChartOption, seriesPoints, type InstanceOptionInput } from './instance-option.ts';
import type { InstancePoint } from './instance-model.ts';

export interface InstanceScatterProps {
  input: InstanceOptionInput;
  /** The points inside the brush (rectangle or lasso), after every brush change and every redraw. */
  onBrush?: (points: InstancePoint[]) => void;
  /** A spot of the plot with no point under it, in layout coordinates: hovered, or clicked (`pinned`). */
  onSpot?: (x: number, y: number, pinned: boolean) => void;
  testId?: string;
}

interface ZrPointerEvent {
  offsetX: number;
  offsetY: number;
  /** The element under the pointer; none over empty plot (the map image is silent, so it counts as empty). */
  target?: unknown;
}

interface BrushSelectedEvent {
  batch?: { selected?: { seriesIndex: number; dataIndex: number[] }[] }[];
}

export function InstanceScatter(props: InstanceScatterProps): JSX.Element {
  let el!: HTMLDivElement;
  onMount(() =>
    createChart(
      el,
      () => instanceChartOption(props.input),
      (chart) => {
        chart.on('brushSelected', (event) => {
          const bySeries = seriesPoints(props.input.points);
          const selected = ((event as BrushSelectedEvent).batch?.[0]?.selected ?? [])
            .flatMap((s) => s.dataIndex.map((i) => bySeries[s.seriesIndex]?.[i]))
            .filter((p): p is InstancePoint => p !== undefined);
          props.onBrush?.(selected);
        });
        const spot = (event: ZrPointerEvent, pinned: boolean): void => {
          const pixel = [event.offsetX, event.offsetY];
          if (!props.onSpot || event.target || !chart.containPixel('grid', pixel)) {
            return;
          }
          const [x, y] = chart.convertFromPixel('grid', pixel) as number[];
          if (x !== undefined && y !== undefined) {
            props.onSpot(x, y, pinned);
          }
        };
        chart.getZr().on('mousemove', (event) => spot(event as ZrPointerEvent, false));
        chart.getZr().on('click', (event) => spot(event as ZrPointerEvent, true));
        // Dragging selects a rectangle straight away; the toolbox switches to the lasso or clears. Armed once the
        // first option is drawn: before that the chart has no brush to take the cursor (a chart off screen gets its
        // option only when scrolled to, and may finish drawing an empty canvas on a resize before that).
        let armed = false;
        chart.on('finished', () => {
          if (!armed && (chart.getOption() as { brush?: unknown } | undefined)?.brush !== undefined) {
            armed = true;
            chart.dispatchAction({ type: 'takeGlobalCursor', key: 'brush', brushOption: { brushType: 'rect', brushMode: 'single' } });
          }
        });
      },
    ),
  );
  const marked = (): number | undefined => {
    const marks = props.input.marks;
    return marks ? props.input.points.filter((p) => marks.has(p.id)).length : undefined;
  };
  return (
    <div
      class="instance-chart"
      data-testid={props.testId ?? 'instance-chart'}
      data-drawn-count={props.input.points.length}
      data-marked-count={marked()}
      data-map-url={props.input.background?.url}
      data-boundary-count={props.input.boundary?.length}
      data-extra-count={props.input.extra?.points.length}
      ref={el}
    />
  );
}
