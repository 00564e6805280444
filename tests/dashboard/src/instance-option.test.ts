import { describe, expect, test } from 'vitest';
import { instanceChartOption, type InstanceOptionInput } from '../../../dashboard/src/instance-option.ts';
import type { InstancePoint } from '../../../dashboard/src/instance-model.ts';
import { NEGATIVE_COLOR, POSITIVE_COLOR } from '../../../dashboard/src/colors.ts';

const point = (id: string, domain: 0 | 1, label: number, predicted: number): InstancePoint => ({
  id,
  domain,
  index: Number(id.slice(1)),
  label,
  predicted,
  x: 0,
  y: 0,
});
const points = [point('s0', 0, 1, 1), point('s1', 0, 2, 0), point('t0', 1, 1, 1), point('t4', 1, 0, 0)];

interface DataItem {
  id: string;
  symbolSize?: number;
  itemStyle: { opacity: number; borderColor: string; borderWidth: number };
}
interface Series {
  data: DataItem[];
}
interface TooltipParams {
  seriesIndex: number;
  dataIndex: number;
}

const option = (extra: Partial<InstanceOptionInput> = {}) =>
  instanceChartOption({
    points,
    extent: 1,
    classNames: ['0', '1', '2'],
    imageUrl: (p) => `/img/${p.id}.png`,
    thumbnails: null,
    ...extra,
  });
const items = (o: ReturnType<typeof option>): DataItem[] => (o.series as Series[]).flatMap((s) => s.data);
const tooltip = (o: ReturnType<typeof option>, seriesIndex: number, dataIndex: number): string =>
  (o.tooltip as { formatter: (p: TooltipParams) => string }).formatter({ seriesIndex, dataIndex });

describe('instanceChartOption marks (compare mode)', () => {
  test('without marks nothing is ringed or faded', () => {
    const drawn = items(option());
    expect(drawn.every((d) => d.symbolSize === undefined && d.itemStyle.opacity === 0.85)).toBe(true);
  });

  test('marked points are ringed in their tone and enlarged, every other point fades, tooltips say what changed', () => {
    const marks = new Map([
      ['s1', { tone: 'bad' as const, note: 'broken: right at A, predicted 0 at B' }],
      ['t4', { tone: 'good' as const, note: 'fixed: predicted 2 at A, right at B' }],
    ]);
    const o = option({ marks });
    const byId = new Map(items(o).map((d) => [d.id, d]));
    expect(byId.get('s1')!.itemStyle).toMatchObject({ opacity: 1, borderColor: NEGATIVE_COLOR });
    expect(byId.get('t4')!.itemStyle).toMatchObject({ opacity: 1, borderColor: POSITIVE_COLOR });
    expect(byId.get('t4')!.symbolSize).toBeGreaterThan(9);
    expect(byId.get('s0')!.itemStyle.opacity).toBe(0.3);
    expect(byId.get('t0')!.itemStyle.opacity).toBe(0.3);
    // Series 1 (target) holds t0 then t4.
    expect(tooltip(o, 1, 1)).toContain('fixed: predicted 2 at A, right at B');
    expect(tooltip(o, 1, 1)).toContain('src="/img/t4.png"');
    expect(tooltip(o, 1, 0)).not.toContain('fixed');
  });
});
