// The "how much did fine-tuning change each layer" chart: each layer's relative L2 distance from the source
// model's weights over the target epochs, with the epochs of interest marked.
import type { WeightDriftResponse } from '../../core/compare-protocol.ts';
import type { ChartOption } from './chart.ts';

// Early layers in cool colours, late ones warm: the usual finding (early layers barely move) reads at a glance.
// These eight are AlexNet's conv1..fc8 exactly; deeper models spread their layers over the same ramp.
const LAYER_RAMP = ['#3b4cc0', '#5977e3', '#7b9ff9', '#9ebeff', '#c0d4f5', '#f2b89c', '#e7745b', '#b40426'] as const;

/** The colour of layer `index` of `count`, first cool and last warm. */
export function layerColor(index: number, count: number): string {
  const at = count <= 1 ? 0 : Math.round((index / (count - 1)) * (LAYER_RAMP.length - 1));
  return LAYER_RAMP[Math.min(LAYER_RAMP.length - 1, Math.max(0, at))]!;
}

export interface DriftMark {
  epoch: number;
  label: string;
}

/** One line per layer over target epochs (x = target epoch, 0 = the source model itself). */
export function weightDriftOption(drift: WeightDriftResponse, marks: readonly DriftMark[]): ChartOption {
  const layers = [...new Set(drift.checkpoints.flatMap((c) => c.layers.map((l) => l.layer)))];
  const series = layers.map((layer, i) => ({
    id: layer,
    name: layer,
    type: 'line' as const,
    color: layerColor(i, layers.length),
    symbolSize: 5,
    emphasis: { focus: 'series' as const },
    // Epoch 0 is the reference itself: every layer starts at distance 0.
    data: [
      [0, 0],
      ...drift.checkpoints.flatMap((c) => {
        const value = c.layers.find((l) => l.layer === layer)?.relativeL2;
        return value === null || value === undefined ? [] : [[c.at.epoch, value]];
      }),
    ],
  }));
  const markSeries = {
    id: 'marks',
    type: 'line' as const,
    data: [],
    silent: true,
    markLine: {
      silent: true,
      symbol: ['none', 'none'],
      animation: false,
      label: { formatter: '{b}', fontSize: 10, color: '#444' },
      data: marks.map((m) => ({ name: m.label, xAxis: m.epoch, lineStyle: { color: '#222', type: 'solid' as const, width: 1 } })),
    },
  };
  const lastEpoch = drift.checkpoints.at(-1)?.at.epoch ?? 1;
  return {
    animationDurationUpdate: 200,
    grid: { left: 56, right: 16, top: 64, bottom: 40 },
    legend: { top: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 }, data: layers },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v) => (typeof v === 'number' ? v.toFixed(4) : String(v)),
    },
    xAxis: {
      type: 'value',
      name: 'target epoch',
      nameLocation: 'middle',
      nameGap: 26,
      min: 0,
      max: Math.max(1, lastEpoch),
      minInterval: 1,
      splitLine: { show: false },
    },
    yAxis: { type: 'value', name: 'relative L2 from source', nameTextStyle: { align: 'left' }, min: 0 },
    series: [...series, markSeries],
  };
}
