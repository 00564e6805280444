// The instance view's ECharts option: one scatter series per domain (crosses for source, circles for target),
// colour by class, a dark border on mispredictions, an image in the tooltip, rect/lasso brushing; in compare
// mode, marked points (predictions that changed) ringed and the rest faded. For a DVI projection, the boundary
// map as an image under the points, in layout coordinates, and the boundary points as hollow diamonds.
import type { ProjectionBounds } from '../../core/projection-protocol.ts';
import type { ChartOption } from './chart.ts';
import { NEGATIVE_COLOR, POSITIVE_COLOR } from './colors.ts';
import { classColor, type InstancePoint } from './instance-model.ts';
import type { BoundaryPoint, ExtraPoint } from './projection-model.ts';

export interface InstanceOptionInput {
  points: readonly InstancePoint[];
  /** Half the side of the square drawn around the origin (layoutExtent); `range` replaces it when given. */
  extent: number;
  /** The square drawn, for layouts not centred on the origin (a DVI projection: squareRange of its map). */
  range?: ProjectionBounds;
  /**
   * A DVI boundary map drawn under the points: its PNG's URL, the image itself once loaded (drawn at once, so the map
   * changes in the same frame as the points; the URL is drawn when absent) and the layout area it covers.
   */
  background?: { url: string; image?: HTMLImageElement; bounds: ProjectionBounds };
  /** DVI boundary points, drawn as hollow diamonds; none when absent. */
  boundary?: readonly BoundaryPoint[];
  /** Training instances placed by the DVI encoder, drawn as small plus signs in their class colour; none when absent. */
  extra?: { name: string; points: readonly ExtraPoint[] };
  classNames: readonly string[];
  imageUrl: (point: InstancePoint) => string;
  /** Thumbnail data URLs by point id, or null to draw glyphs. */
  thumbnails: ReadonlyMap<string, string> | null;
  /** Compare mode: points to ring by id (the rest fade), with a plain-text line for their tooltip. */
  marks?: ReadonlyMap<string, InstanceMark>;
}

export interface InstanceMark {
  /** `good` rings in the colour of an improvement (a fixed prediction), `bad` in that of a regression. */
  tone: 'good' | 'bad';
  note: string;
}

const MARK_COLORS = { good: POSITIVE_COLOR, bad: NEGATIVE_COLOR } as const;

/** ECharts has no cross symbol: a plus of two bars, drawn rotated by 45°. */
const CROSS = 'path://M-1,-5h2v4h4v2h-4v4h-2v-4h-4v-2h4z';
const MISPREDICTED_BORDER = '#111827';
const DOMAINS = ['source', 'target'] as const;
// Scrubbing animates every point from its old to its new place; movement then means the model changed.
const MOVE_MS = 700;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Series index (0 source, 1 target) and data index of each drawn point, for brushing and tooltips. */
export function seriesPoints(points: readonly InstancePoint[]): [InstancePoint[], InstancePoint[]] {
  return [points.filter((p) => p.domain === 0), points.filter((p) => p.domain === 1)];
}

/** Series indices after the two domains'; every option has all five, so a merge never keeps a stale map or diamonds. */
export const BOUNDARY_SERIES = 2;
export const MAP_SERIES = 3;
export const EXTRA_SERIES = 4;

export function instanceChartOption(input: InstanceOptionInput): ChartOption {
  const { extent, classNames, thumbnails } = input;
  const bySeries = seriesPoints(input.points);
  const boundary = input.boundary ?? [];
  const extra = input.extra?.points ?? [];
  const name = (c: number) => classNames[c] ?? String(c);
  const colour = (c: number) => classColor(c, classNames.length);
  // On a map a point sits in a region of its own hue: a white edge keeps it apart from the ground.
  const edge = input.background ? { color: '#ffffff', width: 1 } : { color: 'rgba(255,255,255,0.6)', width: 0.5 };
  const range = input.range ?? { minX: -extent, maxX: extent, minY: -extent, maxY: extent };
  return {
    animation: true,
    animationDurationUpdate: MOVE_MS,
    animationEasingUpdate: 'cubicInOut',
    grid: { left: 8, right: 8, top: 36, bottom: 8 },
    xAxis: { type: 'value', min: range.minX, max: range.maxX, show: false },
    yAxis: { type: 'value', min: range.minY, max: range.maxY, show: false },
    toolbox: {
      right: 8,
      top: 0,
      feature: { brush: { type: ['rect', 'polygon', 'clear'], title: { rect: 'Select a rectangle', polygon: 'Lasso', clear: 'Clear selection' } } },
    },
    brush: {
      toolbox: ['rect', 'polygon', 'clear'],
      xAxisIndex: 0,
      seriesIndex: [0, 1],
      throttleType: 'debounce',
      throttleDelay: 150,
      outOfBrush: { colorAlpha: 0.25 },
    },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (params) => {
        const item = Array.isArray(params) ? params[0] : params;
        if (item?.seriesIndex === BOUNDARY_SERIES) {
          const b = boundary[item.dataIndex];
          return b
            ? `<div data-testid="boundary-tooltip">boundary point between <b>${escapeHtml(name(b.classA))}</b> and <b>${escapeHtml(name(b.classB))}</b>` +
                `<br>normalised top-2 gap ${b.gap.toFixed(2)}</div>`
            : '';
        }
        if (item?.seriesIndex === EXTRA_SERIES) {
          const e = extra[item.dataIndex];
          const wrong = e && e.predicted !== e.label;
          return e
            ? `<div data-testid="extra-tooltip"><b>${escapeHtml(input.extra!.name)}</b> #${e.index}<br>true: ${escapeHtml(name(e.label))}<br>` +
                `predicted: <span class="${wrong ? 'negative-text' : ''}">${escapeHtml(name(e.predicted))}${wrong ? ' ✗' : ''}</span></div>`
            : '';
        }
        const point = item ? bySeries[item.seriesIndex ?? 0]?.[item.dataIndex] : undefined;
        if (!point) {
          return '';
        }
        const wrong = point.predicted !== point.label;
        const mark = input.marks?.get(point.id);
        return (
          `<div class="instance-tooltip" data-testid="instance-tooltip">` +
          `<img data-testid="instance-tooltip-image" src="${escapeHtml(input.imageUrl(point))}" width="64" height="64" alt="">` +
          `<div><b>${DOMAINS[point.domain]}</b> validation #${point.index}<br>` +
          `true: ${escapeHtml(name(point.label))}<br>` +
          `predicted: <span class="${wrong ? 'negative-text' : ''}">${escapeHtml(name(point.predicted))}${wrong ? ' ✗' : ''}</span>` +
          (mark ? `<br><b style="color:${MARK_COLORS[mark.tone]}">${escapeHtml(mark.note)}</b>` : '') +
          '</div></div>'
        );
      },
    },
    series: [
      ...bySeries.map((points, s) => ({
        type: 'scatter' as const,
        name: DOMAINS[s],
        // Per-point styles and the move animation need the normal (not large, not progressive) renderer.
        large: false,
        progressive: 0,
        symbol: s === 0 ? CROSS : 'circle',
        symbolRotate: s === 0 ? 45 : 0,
        symbolSize: thumbnails ? 22 : s === 0 ? 11 : 9,
        emphasis: { scale: 1.6 },
        data: points.map((p) => {
          const thumbnail = thumbnails?.get(p.id);
          const wrong = p.predicted !== p.label;
          const mark = input.marks?.get(p.id);
          if (mark) {
            // Ringed and larger, so the few changed instances stand out from the faded rest.
            return {
              id: p.id,
              value: [p.x, p.y],
              symbolSize: s === 0 ? 17 : 14,
              itemStyle: { color: colour(p.label), opacity: 1, borderColor: MARK_COLORS[mark.tone], borderWidth: s === 0 ? 1.8 : 3 },
            };
          }
          return {
            id: p.id,
            value: [p.x, p.y],
            ...(thumbnail ? { symbol: `image://${thumbnail}`, symbolRotate: 0 } : {}),
            itemStyle: {
              color: colour(p.label),
              opacity: input.marks ? 0.3 : thumbnail ? 1 : 0.85,
              borderColor: wrong ? MISPREDICTED_BORDER : edge.color,
              // A cross is thin: a thick border would hide its class colour.
              borderWidth: wrong ? (s === 0 ? 0.9 : 1.6) : edge.width,
            },
          };
        }),
      })),
      {
        type: 'scatter' as const,
        name: 'boundary points',
        symbol: 'diamond',
        symbolSize: 10,
        z: 3,
        large: false,
        progressive: 0,
        itemStyle: { color: 'rgba(255,255,255,0)', borderColor: '#1f2937', borderWidth: 1.4, opacity: 0.9 },
        data: boundary.map((b) => [b.x, b.y]),
      },
      {
        type: 'custom' as const,
        name: 'boundary map',
        // Under the points, and not a target: the spot under the cursor reads as empty, which the inverse needs.
        silent: true,
        z: 0,
        animation: false,
        data: input.background
          ? [[input.background.bounds.minX, input.background.bounds.maxY, input.background.bounds.maxX, input.background.bounds.minY]]
          : [],
        renderItem: (_params, api) => {
          const url = input.background?.image ?? input.background?.url;
          const topLeft = api.coord([api.value(0), api.value(1)]);
          const bottomRight = api.coord([api.value(2), api.value(3)]);
          if (!url) {
            return null;
          }
          return {
            type: 'image',
            style: { image: url, x: topLeft[0]!, y: topLeft[1]!, width: bottomRight[0]! - topLeft[0]!, height: bottomRight[1]! - topLeft[1]! },
          };
        },
      },
      {
        type: 'scatter' as const,
        // A fixed name: ECharts matches series by name on merge, so a renamed one would be added, not replaced.
        name: 'training instances',
        // An upright plus, smaller than the validation glyphs: not the rotated cross of source validation instances.
        symbol: CROSS,
        symbolSize: 7,
        z: 1,
        large: false,
        progressive: 0,
        // Ids keep each instance's point across checkpoints, so scrubbing moves it as it moves the others.
        data: extra.map((e) => ({ id: `e${e.index}`, value: [e.x, e.y], itemStyle: { color: colour(e.label), opacity: 0.8 } })),
      },
    ],
  };
}
