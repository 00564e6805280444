import { describe, expect, test } from 'vitest';
import type { EpochRecord } from '../../../core/protocol.ts';
import { epochRecord } from '../../helpers/run-fixture.ts';
import { accuracyChartOption, CROSS_SYMBOL } from '../../../dashboard/src/accuracy-option.ts';

function record(phase: 'source' | 'target', epoch: number, step: number): EpochRecord {
  return {
    ...epochRecord(phase, epoch, step),
    accSourceTrain: 0.1 * step,
    accTargetTrain: 0.01 * step,
    accSourceValidation: 0.2,
    accTargetValidation: 0.3,
  };
}

const epochs = [record('source', 1, 1), record('source', 2, 2), record('target', 1, 3)];

interface SeriesShape {
  id: string;
  name: string;
  symbol?: string;
  color?: string;
  data: [number, number][];
  markLine?: { data: { xAxis: number }[] };
}

function series(option: ReturnType<typeof accuracyChartOption>): SeriesShape[] {
  return option.series as unknown as SeriesShape[];
}

describe('accuracyChartOption', () => {
  const option = accuracyChartOption({ epochs, at: epochs[1]!, planned: { source: 2, target: 3 } });
  const lines = series(option).filter((s) => s.id !== 'marks');

  test('six series: three data sets for each model, named after both', () => {
    expect(lines.map((s) => s.name)).toEqual([
      'source-train (source model)',
      'target-train (source model)',
      'validation (source model)',
      'source-train (target model)',
      'target-train (target model)',
      'validation (target model)',
    ]);
  });

  test('a cross for the source model, a circle for the target model; one colour per data set', () => {
    expect(lines.slice(0, 3).every((s) => s.symbol === CROSS_SYMBOL)).toBe(true);
    expect(lines.slice(3).every((s) => s.symbol === 'circle')).toBe(true);
    expect(lines[0]!.color).toBe(lines[3]!.color);
    expect(new Set(lines.slice(0, 3).map((s) => s.color)).size).toBe(3);
  });

  test('each model’s series hold its own phase’s epochs, validation on its own domain', () => {
    const byName = new Map(lines.map((s) => [s.name, s.data]));
    expect(byName.get('source-train (source model)')).toEqual([
      [1, 0.1],
      [2, 0.2],
    ]);
    expect(byName.get('target-train (target model)')).toEqual([[3, 0.03]]);
    expect(byName.get('validation (source model)')).toEqual([
      [1, 0.2],
      [2, 0.2],
    ]);
    expect(byName.get('validation (target model)')).toEqual([[3, 0.3]]);
  });

  test('marks the phase boundary and the scrubbed step; the x axis spans the plan', () => {
    const marks = series(option).find((s) => s.id === 'marks')!;
    expect(marks.markLine!.data.map((d) => d.xAxis)).toEqual([2.5, 2]);
    expect(option.xAxis).toMatchObject({ min: 0.5, max: 5.5 });
    expect(option.yAxis).toMatchObject({ min: 0, max: 1 });
  });

  test('before fine-tuning the boundary sits where the plan puts it; no scrubbed step, no line', () => {
    const early = accuracyChartOption({ epochs: epochs.slice(0, 1), at: null, planned: { source: 4, target: 4 } });
    const marks = series(early).find((s) => s.id === 'marks')!;
    expect(marks.markLine!.data.map((d) => d.xAxis)).toEqual([4.5]);
  });

  test('the tooltip reads the hovered step’s record', () => {
    const formatter = (option.tooltip as { formatter: (params: unknown) => string }).formatter;
    const html = formatter([{ value: [3, 0.03] }]);
    expect(html).toContain('target · epoch 1 (step 3)');
    expect(html).toContain('validation (target model): <b>30.0%</b>');
    expect(formatter([{ value: [9, 0] }])).toBe('');
  });
});
