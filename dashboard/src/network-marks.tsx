// The small SVG marks of the network relation view's non-important regions (paper §5.3.3, Figure 4): a histogram
// filling a region, a boxplot along a strip, and a pie of important and inherited weights. Each carries a tooltip.
// A scrubber move changes every mark, and the diagram holds hundreds of them: each mark is a fixed handful of
// elements whose geometry is one precomputed string per element (a path's `d`), set from one computation per mark,
// and a histogram's per-bin tooltip is made for the bin under the pointer only (as the cells' are).
import { createMemo, createSignal, Show, type JSX } from 'solid-js';
import type { NetworkHistogram, NetworkWeightGroup } from '../../core/network-protocol.ts';
import { SOURCE_COLOR, TARGET_COLOR } from './colors.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const fmt = (v: number): string => (Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : v.toPrecision(3));

/** A rectangle as a closed subpath, for joining many into one path's `d`. */
const rectPath = (r: Rect): string => `M${r.x},${r.y}h${r.width}v${r.height}h${-r.width}Z`;

/** The bars of `histogram` in `rect`, bins along its longer side; null for an empty bin (no bar). */
export function histogramBars(rect: Rect, histogram: NetworkHistogram): (Rect | null)[] {
  const bins = histogram.counts.length;
  const peak = Math.max(1, ...histogram.counts);
  const along = rect.width >= rect.height;
  const { x, y, width, height } = rect;
  return histogram.counts.map((count, i) => {
    if (count <= 0) {
      return null;
    }
    if (along) {
      const w = width / bins;
      const h = ((height - 2) * count) / peak;
      return { x: x + i * w, y: y + height - h, width: Math.max(0.5, w - 0.3), height: h };
    }
    const h = height / bins;
    return { x, y: y + i * h, width: ((width - 2) * count) / peak, height: Math.max(0.5, h - 0.3) };
  });
}

/** Bars of `histogram` inside `rect`, bins along its longer side; `what` names the values in tooltips. */
export function HistogramMark(props: { rect: Rect; histogram: NetworkHistogram; what: string; testId?: string }): JSX.Element {
  const total = (): number => props.histogram.counts.reduce((a, b) => a + b, 0);
  const bars = createMemo(() => histogramBars(props.rect, props.histogram));
  const barsPath = createMemo(() =>
    bars()
      .map((b) => (b ? rectPath(b) : ''))
      .join(''),
  );
  // The bin under the pointer, which gets a transparent rect over its bar with the bin's tooltip.
  const [hoveredBin, setHoveredBin] = createSignal<number | null>(null);
  let group!: SVGGElement;
  const binAt = (event: MouseEvent): number | null => {
    const svg = group.ownerSVGElement;
    if (!svg) {
      return null;
    }
    const box = svg.getBoundingClientRect();
    const [px, py] = [event.clientX - box.left, event.clientY - box.top];
    // The bin's whole slot along the axis (bars are a pixel or two wide), and its bar's extent across it.
    const { x, y, width, height } = props.rect;
    const along = width >= height;
    const i = Math.floor(((along ? px - x : py - y) / (along ? width : height)) * bars().length);
    const bar = bars()[i];
    if (!bar) {
      return null;
    }
    const across = along ? py >= bar.y && py <= bar.y + bar.height : px >= bar.x && px <= bar.x + bar.width;
    return across ? i : null;
  };
  const hover = createMemo(() => {
    const i = hoveredBin();
    const bar = i === null ? null : bars()[i];
    if (i === null || !bar) {
      return null;
    }
    const { min, max, counts } = props.histogram;
    const edge = (k: number): number => min + ((max - min) * k) / counts.length;
    return { bar, title: `${props.what}\n[${fmt(edge(i))}, ${fmt(edge(i + 1))}): ${counts[i]} of ${total()}` };
  });
  return (
    <g
      ref={group}
      class="network-histogram"
      data-testid={props.testId}
      onMouseMove={(event) => setHoveredBin(binAt(event))}
      onMouseLeave={() => setHoveredBin(null)}
    >
      <rect class="network-region" x={props.rect.x} y={props.rect.y} width={props.rect.width} height={props.rect.height}>
        <title>{`${props.what}: ${total()} values over [${fmt(props.histogram.min)}, ${fmt(props.histogram.max)}]`}</title>
      </rect>
      <path class="network-histogram-bar" d={barsPath()} />
      <Show when={hover()}>
        {(h) => (
          <rect class="network-histogram-hover" data-testid="network-histogram-hover" x={h().bar.x} y={h().bar.y} width={h().bar.width} height={h().bar.height}>
            <title>{h().title}</title>
          </rect>
        )}
      </Show>
    </g>
  );
}

/** The tooltip of a boxplot (and its pie): `title` names the weights, then their count, levels and pie shares. */
export function boxplotTitle(title: string, g: NetworkWeightGroup): string {
  const levels = g.levels
    ? `activated level min ${fmt(g.levels[0])}, quartiles ${fmt(g.levels[1])} / ${fmt(g.levels[2])} / ${fmt(g.levels[3])}, max ${fmt(g.levels[4])}`
    : 'no weights';
  return `${title}\n${g.weights} weights: ${levels}\nimportant ${g.important} (inherited ${g.inherited})`;
}

/** Whiskers, box and median of `levels` on the scale `range` in `rect` after its pie, as one path's `d`. */
function boxPath(rect: Rect, levels: NetworkWeightGroup['levels'], range: [number, number]): string {
  if (!levels) {
    return '';
  }
  const horizontal = rect.width >= rect.height;
  const pieSize = Math.min(rect.width, rect.height);
  const [lo, hi] = range;
  const start = (horizontal ? rect.x : rect.y) + pieSize + 1;
  const length = (horizontal ? rect.width : rect.height) - pieSize - 2;
  // Position along the strip after the pie, for a level on the boundary's common scale.
  const at = (v: number): number => start + (hi > lo ? (v - lo) / (hi - lo) : 0.5) * length;
  const [min, q1, median, q3, max] = levels.map(at) as [number, number, number, number, number];
  const acrossStart = horizontal ? rect.y : rect.x;
  const [a, b] = [acrossStart + pieSize * 0.2, acrossStart + pieSize * 0.8];
  const mid = (a + b) / 2;
  // A segment from p to q along the strip, from c to d across it.
  const segment = (p: number, q: number, c: number, d: number): string => (horizontal ? `M${p},${c}L${q},${d}` : `M${c},${p}L${d},${q}`);
  const width = Math.max(0.5, q3 - q1);
  const box = horizontal ? rectPath({ x: q1, y: a, width, height: b - a }) : rectPath({ x: a, y: q1, width: b - a, height: width });
  // The box is filled before any stroke of the path is drawn, so the median shows on it.
  return segment(min, q1, mid, mid) + segment(q3, max, mid, mid) + box + segment(median, median, a, b);
}

/** A pie slice from `from` to `to` (shares of a turn, clockwise from the top) as a path's `d`; '' when empty. */
function slicePath(cx: number, cy: number, r: number, from: number, to: number): string {
  if (to - from <= 0) {
    return '';
  }
  if (to - from >= 0.9999) {
    return `M${cx - r},${cy} a${r},${r} 0 1,0 ${2 * r},0 a${r},${r} 0 1,0 ${-2 * r},0`;
  }
  const point = (t: number): string => `${cx + r * Math.sin(2 * Math.PI * t)},${cy - r * Math.cos(2 * Math.PI * t)}`;
  return `M${cx},${cy} L${point(from)} A${r},${r} 0 ${to - from > 0.5 ? 1 : 0},1 ${point(to)} Z`;
}

/**
 * A boxplot of `group.levels` on the scale `range` inside `rect` (horizontal when wider than tall), with its pie in
 * front: the pie shows the shares of `group`'s weights, inherited (red), important but not inherited (blue), the
 * rest (grey). One tooltip for the whole mark.
 */
export function BoxplotMark(props: { rect: Rect; group: NetworkWeightGroup; range: [number, number]; title: string }): JSX.Element {
  const drawn = createMemo(() => {
    const { rect, group } = props;
    const size = Math.min(rect.width, rect.height);
    const [cx, cy, r] = [rect.x + size / 2, rect.y + size / 2, size / 2 - 0.8];
    const inherited = group.weights > 0 ? group.inherited / group.weights : 0;
    const important = group.weights > 0 ? group.important / group.weights : 0;
    return {
      cx,
      cy,
      r,
      inherited: slicePath(cx, cy, r, 0, inherited),
      important: slicePath(cx, cy, r, inherited, important),
      box: boxPath(rect, group.levels, props.range),
      title: boxplotTitle(props.title, group),
    };
  });
  return (
    <g class="network-boxplot" data-testid="network-boxplot">
      <title>{drawn().title}</title>
      <rect class="network-hit" x={props.rect.x} y={props.rect.y} width={props.rect.width} height={props.rect.height} />
      <g class="network-pie" data-testid="network-pie">
        <circle cx={drawn().cx} cy={drawn().cy} r={drawn().r} class="network-pie-rest" />
        <path d={drawn().inherited} fill={SOURCE_COLOR} />
        <path d={drawn().important} fill={TARGET_COLOR} />
      </g>
      <path class="network-box" d={drawn().box} />
    </g>
  );
}
