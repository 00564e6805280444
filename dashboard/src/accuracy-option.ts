// The statistics view's accuracy chart (paper §5.1): both models' accuracy over the whole run, one colour
// per data set and one symbol per model, with the phase boundary and the scrubbed epoch marked.
import type { EpochRecord, Phase } from '../../core/protocol.ts';
import type { ChartOption } from './chart.ts';
import { SOURCE_COLOR, TARGET_COLOR, VALIDATION_COLOR } from './colors.ts';
import { percent } from './format.ts';

type AccuracyField = 'accSourceTrain' | 'accTargetTrain' | 'accSourceValidation' | 'accTargetValidation';

interface DataSet {
  name: string;
  color: string;
  /** Validation means the model's own domain, so the field depends on the model. */
  field: Record<Phase, AccuracyField>;
}

const DATA_SETS: readonly DataSet[] = [
  { name: 'source-train', color: SOURCE_COLOR, field: { source: 'accSourceTrain', target: 'accSourceTrain' } },
  { name: 'target-train', color: TARGET_COLOR, field: { source: 'accTargetTrain', target: 'accTargetTrain' } },
  { name: 'validation', color: VALIDATION_COLOR, field: { source: 'accSourceValidation', target: 'accTargetValidation' } },
];

/** An × drawn as a path: crosses mark the source model, as in the paper's figure. */
export const CROSS_SYMBOL = 'path://M0,1L1,0L5,4L9,0L10,1L6,5L10,9L9,10L5,6L1,10L0,9L4,5Z';
export const MODEL_SYMBOL: Record<Phase, string> = { source: CROSS_SYMBOL, target: 'circle' };

export function seriesName(dataSet: string, model: Phase): string {
  return `${dataSet} (${model} model)`;
}

export interface AccuracyChartInput {
  /** Committed epochs of both phases, ordered by step. */
  epochs: readonly EpochRecord[];
  /** The scrubbed epoch, marked by a vertical line; null for none. */
  at: EpochRecord | null;
  /** Planned epochs per phase: the x axis spans the whole plan so it doesn't rescale as epochs arrive. */
  planned: Record<Phase, number> | null;
}

/** The grid's top and bottom margins in pixels (a marker over the chart spans the same height). */
export const ACCURACY_GRID = { top: 64, bottom: 40 } as const;

/** The chart option; an empty epoch list gives empty series over the planned range. */
export function accuracyChartOption({ epochs, at, planned }: AccuracyChartInput): ChartOption {
  const sourceCount = epochs.filter((e) => e.phase === 'source').length;
  const targetStarted = epochs.some((e) => e.phase === 'target');
  const boundary = (targetStarted || !planned ? sourceCount : Math.max(planned.source, sourceCount)) + 0.5;
  const lastStep = Math.max(epochs.at(-1)?.step ?? 0, planned ? planned.source + planned.target : 0, 1);
  const byStep = new Map(epochs.map((e) => [e.step, e]));

  const models: Phase[] = ['source', 'target'];
  const series = models.flatMap((model) =>
    DATA_SETS.map((dataSet) => ({
      id: `${dataSet.name}-${model}`,
      name: seriesName(dataSet.name, model),
      type: 'line' as const,
      symbol: MODEL_SYMBOL[model],
      symbolSize: model === 'source' ? 8 : 6,
      color: dataSet.color,
      lineStyle: { width: 1.5, type: model === 'source' ? ('dashed' as const) : ('solid' as const) },
      emphasis: { focus: 'series' as const },
      data: epochs.filter((e) => e.phase === model).map((e) => [e.step, e[dataSet.field[model]]]),
    })),
  );

  const marks = {
    id: 'marks',
    name: 'marks',
    type: 'line' as const,
    data: [],
    silent: true,
    tooltip: { show: false },
    markArea: {
      silent: true,
      label: { color: '#666', fontSize: 11, position: 'insideTop' as const },
      data: [
        [{ name: 'source', xAxis: 0.5, itemStyle: { color: 'rgba(214, 39, 40, 0.05)' } }, { xAxis: boundary }],
        [{ name: 'target', xAxis: boundary, itemStyle: { color: 'rgba(31, 119, 180, 0.05)' } }, { xAxis: lastStep + 0.5 }],
      ] as [{ name: string; xAxis: number; itemStyle: { color: string } }, { xAxis: number }][],
    },
    markLine: {
      silent: true,
      symbol: ['none', 'none'],
      animation: false,
      label: { show: false },
      data: [
        { xAxis: boundary, lineStyle: { color: '#999', type: 'dashed' as const, width: 1 } },
        ...(at ? [{ xAxis: at.step, lineStyle: { color: '#222', type: 'solid' as const, width: 1.5 } }] : []),
      ],
    },
  };

  return {
    animationDurationUpdate: 200,
    grid: { left: 48, right: 16, ...ACCURACY_GRID },
    legend: {
      top: 0,
      itemWidth: 18,
      itemHeight: 10,
      textStyle: { fontSize: 11 },
      data: series.map((s) => s.name),
    },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'line', snap: true },
      formatter: (params) => {
        const first = Array.isArray(params) ? params[0] : params;
        const value = first?.value;
        const step = Array.isArray(value) ? Number(value[0]) : NaN;
        const record = byStep.get(step);
        return record ? tooltipHtml(record) : '';
      },
    },
    xAxis: {
      type: 'value',
      name: 'step',
      nameLocation: 'middle',
      nameGap: 26,
      min: 0.5,
      max: lastStep + 0.5,
      minInterval: 1,
      splitLine: { show: false },
      axisLabel: { formatter: (v: number) => (Number.isInteger(v) ? String(v) : '') },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      name: 'accuracy',
      axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` },
    },
    series: [...series, marks],
  };
}

function tooltipHtml(record: EpochRecord): string {
  const model = record.phase;
  const rows = DATA_SETS.map((dataSet) => {
    const dot = `<span style="display:inline-block;width:8px;height:8px;border-radius:50%;background:${dataSet.color};margin-right:6px"></span>`;
    return `<div>${dot}${seriesName(dataSet.name, model)}: <b>${percent(record[dataSet.field[model]])}</b></div>`;
  });
  return `<div style="font-weight:600;margin-bottom:4px">${model} · epoch ${record.epoch} (step ${record.step})</div>${rows.join('')}`;
}
