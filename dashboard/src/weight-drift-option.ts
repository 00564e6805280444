// The "how much did fine-tuning change each layer" chart: each layer's relative L2 distance from the source
// model's weights over the target epochs, with the epochs of interest marked.
import { LAYER_NAMES, type LayerName } from '../../core/protocol.ts';
import type { WeightDriftResponse } from '../../core/compare-protocol.ts';
import type { ChartOption } from './chart.ts';

// Early layers in cool colours, late ones warm: the usual finding (early layers barely move) reads at a glance.
export const LAYER_COLORS: Record<LayerName, string> = {
  conv1: '#3b4cc0',
  conv2: '#5977e3',
  conv3: '#7b9ff9',
  conv4: '#9ebeff',
  conv5: '#c0d4f5',
  fc6: '#f2b89c',
  fc7: '#e7745b',
  fc8: '#b40426',
};

export interface DriftMark {
  epoch: number;
  label: string;
}

/** One line per layer over target epochs (x = target epoch, 0 = the source model itself). */
export function weightDriftOption(drift: WeightDriftResponse, marks: readonly DriftMark[]): ChartOption {
  const series = LAYER_NAMES.map((layer) => ({
    id: layer,
    name: layer,
    type: 'line' as const,
    color: LAYER_COLORS[layer],
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
    legend: { top: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 }, data: [...LAYER_NAMES] },
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
