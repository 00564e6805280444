// The accuracy line chart of the statistics view; the option itself is built in accuracy-option.ts.
import { createMemo, onMount, type JSX } from 'solid-js';
import type { EpochRecord, Phase } from '../../core/protocol.ts';
import { ACCURACY_GRID, accuracyChartOption } from './accuracy-option.ts';
import { createChart, createVerticalMarker } from './chart.ts';

export interface AccuracyChartProps {
  epochs: readonly EpochRecord[];
  at: EpochRecord | null;
  planned: Record<Phase, number> | null;
}

export function AccuracyChart(props: AccuracyChartProps): JSX.Element {
  let el!: HTMLDivElement;
  // The option follows the epochs only; the scrubbed epoch is a marker over the chart, so scrubbing never
  // re-renders the chart (same grid as the option's).
  const option = createMemo(() => accuracyChartOption({ epochs: props.epochs, at: null, planned: props.planned }));
  onMount(() => {
    createChart(el, option, (chart) => createVerticalMarker(chart, el, () => props.at?.step ?? null, ACCURACY_GRID));
  });
  return <div class="chart" data-testid="accuracy-chart" ref={el} />;
}
