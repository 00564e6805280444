// The accuracy line chart of the statistics view; the option itself is built in accuracy-option.ts.
import { onMount, type JSX } from 'solid-js';
import type { EpochRecord, Phase } from '../../core/protocol.ts';
import { accuracyChartOption } from './accuracy-option.ts';
import { createChart } from './chart.ts';

export interface AccuracyChartProps {
  epochs: readonly EpochRecord[];
  at: EpochRecord | null;
  planned: Record<Phase, number> | null;
}

export function AccuracyChart(props: AccuracyChartProps): JSX.Element {
  let el!: HTMLDivElement;
  onMount(() => {
    createChart(el, () => accuracyChartOption({ epochs: props.epochs, at: props.at, planned: props.planned }));
  });
  return <div class="chart" data-testid="accuracy-chart" ref={el} />;
}
