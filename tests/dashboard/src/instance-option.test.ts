import { describe, expect, test } from 'vitest';
import { instanceChartOption, type InstanceOptionInput } from '../../../dashboard/src/instance-option.ts';
import type { InstancePoint } from '../../../dashboard/src/instance-model.ts';
import { NEGATIVE_COLOR, POSITIVE_COLOR } from '../../../dashboard/src/colors.ts';
import { classCss } from '../../../core/class-palette.ts';

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

describe('instanceChartOption with a DVI projection', () => {
  interface FullSeries {
    type: string;
    name: string;
    silent?: boolean;
    z?: number;
    data: unknown[];
    itemStyle?: { color: string };
    renderItem?: (params: unknown, api: { value(i: number): number; coord(p: number[]): number[] }) => unknown;
  }
  const series = (o: ReturnType<typeof option>): FullSeries[] => o.series as FullSeries[];
  const bounds = { minX: -1, maxX: 3, minY: 0, maxY: 2 };
  const boundary = [
    { x: 0.5, y: 1, classA: 0, classB: 2, gap: 0.04 },
    { x: 2, y: 0.5, classA: 1, classB: 2, gap: 0.09 },
  ];

  const extra = {
    name: 'target training',
    points: [
      { index: 7, label: 2, predicted: 2, x: 1, y: 1.5 },
      { index: 9, label: 0, predicted: 1, x: -0.5, y: 0.2 },
    ],
  };

  test('every option has the same five series, so a merge on switching layouts drops the map, the diamonds and the extra points', () => {
    for (const o of [option(), option({ background: { url: '/map.png', bounds }, boundary, extra })]) {
      expect(series(o).map((s) => [s.type, s.name])).toEqual([
        ['scatter', 'source'],
        ['scatter', 'target'],
        ['scatter', 'boundary points'],
        ['custom', 'boundary map'],
        ['scatter', 'training instances'],
      ]);
    }
    expect(
      series(option())
        .slice(2)
        .map((s) => s.data),
    ).toEqual([[], [], []]);
  });

  test('training instances are small plus signs in their class colour, each with a tooltip of index, label and prediction', () => {
    const o = option({ background: { url: '/map.png', bounds }, extra });
    const drawn = series(o)[4]!;
    expect(drawn.z).toBeLessThan(2);
    expect(drawn.data).toEqual([
      { id: 'e7', value: [1, 1.5], itemStyle: { color: classCss(2, 3), opacity: 0.8 } },
      { id: 'e9', value: [-0.5, 0.2], itemStyle: { color: classCss(0, 3), opacity: 0.8 } },
    ]);
    // Not the brush's: brushing lists validation instances only.
    expect((o.brush as { seriesIndex: number[] }).seriesIndex).toEqual([0, 1]);
    expect(tooltip(o, 4, 0)).toMatch(/<b>target training<\/b> #7<br>true: 2<br>predicted: <span class="">2<\/span>/);
    expect(tooltip(o, 4, 1)).toContain('#9');
    expect(tooltip(o, 4, 1)).toMatch(/true: 0<br>predicted: <span class="negative-text">1 ✗/);
  });

  test('the map is an image under the points over its bounds, silent so the spot under it reads as empty', () => {
    const o = option({ background: { url: '/map.png', bounds }, boundary, range: { minX: -1, maxX: 3, minY: -1, maxY: 3 } });
    const map = series(o)[3]!;
    expect(map).toMatchObject({ silent: true, z: 0, data: [[-1, 2, 3, 0]] });
    expect(o.xAxis).toMatchObject({ min: -1, max: 3 });
    expect(o.yAxis).toMatchObject({ min: -1, max: 3 });
    // A plot where one layout unit is 100 px and y grows upwards from pixel 300.
    const row = map.data[0] as number[];
    const api = { value: (i: number) => row[i]!, coord: ([x, y]: number[]) => [100 * x!, 300 - 100 * y!] };
    expect(map.renderItem!({}, api)).toEqual({ type: 'image', style: { image: '/map.png', x: -100, y: 100, width: 400, height: 200 } });
    expect(o.brush).toMatchObject({ seriesIndex: [0, 1] });
  });

  test('boundary points are drawn with a tooltip naming their two classes', () => {
    const o = option({ background: { url: '/map.png', bounds }, boundary });
    expect(series(o)[2]!.data).toEqual([
      [0.5, 1],
      [2, 0.5],
    ]);
    expect(tooltip(o, 2, 1)).toContain('boundary point between <b>1</b> and <b>2</b>');
    expect(tooltip(o, 2, 1)).toContain('gap 0.09');
  });

  test('points keep the class palette on the map (the map is drawn in it too), with a white edge', () => {
    const o = option({ background: { url: '/map.png', bounds } });
    const byId = new Map(items(o).map((d) => [d.id, d as DataItem & { itemStyle: { color: string } }]));
    expect(byId.get('s0')!.itemStyle).toMatchObject({ color: classCss(1, 3), borderColor: '#ffffff', borderWidth: 1 });
    expect(byId.get('t4')!.itemStyle.color).toBe(classCss(0, 3));
  });
});
