// The instance view's scatter plot: an ECharts chart that follows its option and reports brushed points.
import { onMount, type JSX } from 'solid-js';
import { createChart } from './chart.ts';
import { instanceChartOption, seriesPoints, type InstanceOptionInput } from './instance-option.ts';
import type { InstancePoint } from './instance-model.ts';

export interface InstanceScatterProps {
  input: InstanceOptionInput;
  /** The points inside the brush (rectangle or lasso), after every brush change and every redraw. */
  onBrush?: (points: InstancePoint[]) => void;
  testId?: string;
}

interface BrushSelectedEvent {
  batch?: { selected?: { seriesIndex: number; dataIndex: number[] }[] }[];
}

export function InstanceScatter(props: InstanceScatterProps): JSX.Element {
  let el!: HTMLDivElement;
  onMount(() => {
    const chart = createChart(el, () => instanceChartOption(props.input));
    chart.on('brushSelected', (event) => {
      const bySeries = seriesPoints(props.input.points);
      const selected = ((event as BrushSelectedEvent).batch?.[0]?.selected ?? [])
        .flatMap((s) => s.dataIndex.map((i) => bySeries[s.seriesIndex]?.[i]))
        .filter((p): p is InstancePoint => p !== undefined);
      props.onBrush?.(selected);
    });
    // Dragging selects a rectangle straight away; the toolbox switches to the lasso or clears. Armed once the
    // first option is drawn: before that the chart has no brush to take the cursor.
    let armed = false;
    chart.on('finished', () => {
      if (!armed) {
        armed = true;
        chart.dispatchAction({ type: 'takeGlobalCursor', key: 'brush', brushOption: { brushType: 'rect', brushMode: 'single' } });
      }
    });
  });
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
      ref={el}
    />
  );
}
