// The "how much did fine-tuning change each layer" chart: each layer's relative L2 distance from the source
// model's weights over the target epochs, with the epochs of interest marked.
import type { WeightDriftResponse } from '../../core/compare-protocol.ts';
import type { ChartOption } from './chart.ts';

// Early layers in cool colours, late ones warm: the usual finding (early layers barely move) reads at a glance.
// The stops are AlexNet's eight layers' colours (exact for a network of eight layers), interpolated for any other depth.
const LAYER_COLOR_STOPS: readonly (readonly [number, number, number])[] = [
  [0x3b, 0x4c, 0xc0],
  [0x59, 0x77, 0xe3],
  [0x7b, 0x9f, 0xf9],
  [0x9e, 0xbe, 0xff],
  [0xc0, 0xd4, 0xf5],
  [0xf2, 0xb8, 0x9c],
  [0xe7, 0x74, 0x5b],
  [0xb4, 0x04, 0x26],
];

/** The colour of layer `index` of `count` layers (model order), from cool (first) to warm (last). */
export function layerColor(index: number, count: number): string {
  const at = count > 1 ? (Math.min(Math.max(index, 0), count - 1) / (count - 1)) * (LAYER_COLOR_STOPS.length - 1) : LAYER_COLOR_STOPS.length - 1;
  const low = Math.floor(at);
  const a = LAYER_COLOR_STOPS[low]!;
  const b = LAYER_COLOR_STOPS[Math.min(low + 1, LAYER_COLOR_STOPS.length - 1)]!;
  const hex = (i: number): string =>
    Math.round(a[i]! + (b[i]! - a[i]!) * (at - low))
      .toString(16)
      .padStart(2, '0');
  return `#${hex(0)}${hex(1)}${hex(2)}`;
}

/** The layers a drift answer lists, in model order (the first checkpoint's order, then any only later ones list). */
export function driftLayers(drift: WeightDriftResponse): string[] {
  return [...new Set(drift.checkpoints.flatMap((c) => c.layers.map((l) => l.layer)))];
}

export interface DriftMark {
  epoch: number;
  label: string;
}

/** The plot's margins, shared with the marker drawn over it (`createVerticalMarker`). */
export const WEIGHT_DRIFT_GRID = { left: 56, right: 16, top: 64, bottom: 40 };

/** One line per layer over target epochs (x = target epoch, 0 = the source model itself). */
export function weightDriftOption(drift: WeightDriftResponse, marks: readonly DriftMark[]): ChartOption {
  const layers = driftLayers(drift);
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
    grid: WEIGHT_DRIFT_GRID,
    // A deep network's legend scrolls on one line rather than pushing the plot down.
    legend: { type: layers.length > 8 ? 'scroll' : 'plain', top: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 }, data: layers },
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
