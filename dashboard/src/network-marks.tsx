// The small SVG marks of the network relation view's non-important regions (paper §5.3.3, Figure 4): a histogram
// filling a region, a boxplot along a strip, and a pie of important and inherited weights. Each carries a tooltip.
import { createMemo, Index, Show, type JSX } from 'solid-js';
import type { NetworkHistogram, NetworkWeightGroup } from '../../core/network-protocol.ts';
import { SOURCE_COLOR, TARGET_COLOR } from './colors.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const fmt = (v: number): string => (Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : v.toPrecision(3));

/** Bars of `histogram` inside `rect`, bins along its longer side; `what` names the values in tooltips. */
export function HistogramMark(props: { rect: Rect; histogram: NetworkHistogram; what: string; testId?: string }): JSX.Element {
  const bins = (): number => props.histogram.counts.length;
  const peak = (): number => Math.max(1, ...props.histogram.counts);
  const total = (): number => props.histogram.counts.reduce((a, b) => a + b, 0);
  const along = (): boolean => props.rect.width >= props.rect.height;
  const edge = (i: number): number => props.histogram.min + ((props.histogram.max - props.histogram.min) * i) / bins();
  const bar = (i: number, count: number): Rect => {
    const { x, y, width, height } = props.rect;
    if (along()) {
      const w = width / bins();
      const h = ((height - 2) * count) / peak();
      return { x: x + i * w, y: y + height - h, width: Math.max(0.5, w - 0.3), height: h };
    }
    const h = height / bins();
    return { x, y: y + i * h, width: ((width - 2) * count) / peak(), height: Math.max(0.5, h - 0.3) };
  };
  return (
    <g class="network-histogram" data-testid={props.testId}>
      <rect class="network-region" x={props.rect.x} y={props.rect.y} width={props.rect.width} height={props.rect.height}>
        <title>{`${props.what}: ${total()} values over [${fmt(props.histogram.min)}, ${fmt(props.histogram.max)}]`}</title>
      </rect>
      <Index each={props.histogram.counts}>
        {(count, i) => (
          <Show when={count() > 0}>
            <rect class="network-histogram-bar" {...bar(i, count())}>
              <title>{`${props.what}\n[${fmt(edge(i))}, ${fmt(edge(i + 1))}): ${count()} of ${total()}`}</title>
            </rect>
          </Show>
        )}
      </Index>
    </g>
  );
}

/** A boxplot of `group.levels` on the scale `range` inside `rect` (horizontal when wider than tall), with its pie in front. */
export function BoxplotMark(props: { rect: Rect; group: NetworkWeightGroup; range: [number, number]; title: string }): JSX.Element {
  const horizontal = (): boolean => props.rect.width >= props.rect.height;
  const pieSize = (): number => Math.min(props.rect.width, props.rect.height);
  // Position along the strip after the pie, for a level on the boundary's common scale.
  const at = (v: number): number => {
    const [lo, hi] = props.range;
    const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    const start = (horizontal() ? props.rect.x : props.rect.y) + pieSize() + 1;
    const length = (horizontal() ? props.rect.width : props.rect.height) - pieSize() - 2;
    return start + t * length;
  };
  const across = (): [number, number] => {
    const lo = horizontal() ? props.rect.y : props.rect.x;
    const size = pieSize();
    return [lo + size * 0.2, lo + size * 0.8];
  };
  // A segment from a to b along the strip, from c to d across it.
  const segment = (a: number, b: number, c: number, d: number): { x1: number; x2: number; y1: number; y2: number } =>
    horizontal() ? { x1: a, x2: b, y1: c, y2: d } : { y1: a, y2: b, x1: c, x2: d };
  // The box's elements stay and follow the checkpoint by their attributes (a scrubber move changes every boxplot).
  const box = createMemo(() => {
    const levels = props.group.levels;
    if (!levels) {
      return null;
    }
    const [min, q1, median, q3, max] = levels.map(at) as [number, number, number, number, number];
    const [a, b] = across();
    const mid = (a + b) / 2;
    const [along, width] = [q1, Math.max(0.5, q3 - q1)];
    return {
      whiskers: [segment(min, q1, mid, mid), segment(q3, max, mid, mid)],
      median: segment(median, median, a, b),
      rect: horizontal() ? { x: along, y: a, width, height: b - a } : { y: along, x: a, height: width, width: b - a },
    };
  });
  const tooltip = (): string => {
    const g = props.group;
    const levels = g.levels
      ? `activated level min ${fmt(g.levels[0])}, quartiles ${fmt(g.levels[1])} / ${fmt(g.levels[2])} / ${fmt(g.levels[3])}, max ${fmt(g.levels[4])}`
      : 'no weights';
    return `${props.title}\n${g.weights} weights: ${levels}\nimportant ${g.important} (inherited ${g.inherited})`;
  };
  return (
    <g class="network-boxplot" data-testid="network-boxplot">
      <rect class="network-hit" x={props.rect.x} y={props.rect.y} width={props.rect.width} height={props.rect.height}>
        <title>{tooltip()}</title>
      </rect>
      <PieMark cx={props.rect.x + pieSize() / 2} cy={props.rect.y + pieSize() / 2} r={pieSize() / 2 - 0.8} group={props.group} title={tooltip()} />
      <g class="network-box">
        <Show when={box()}>
          {(b) => (
            <>
              <line {...b().whiskers[0]} />
              <line {...b().whiskers[1]} />
              <rect {...b().rect} />
              <line {...b().median} />
            </>
          )}
        </Show>
        <title>{tooltip()}</title>
      </g>
    </g>
  );
}

/** Shares of `group`'s weights: inherited (red), important but not inherited (blue), the rest (grey). */
export function PieMark(props: { cx: number; cy: number; r: number; group: NetworkWeightGroup; title: string }): JSX.Element {
  const slices = (): { color: string; from: number; to: number }[] => {
    const { weights, important, inherited } = props.group;
    if (weights === 0) {
      return [];
    }
    const shares = [
      [SOURCE_COLOR, inherited],
      [TARGET_COLOR, important - inherited],
    ] as const;
    let at = 0;
    return shares
      .filter(([, n]) => n > 0)
      .map(([color, n]) => {
        const from = at;
        at += n / weights;
        return { color, from, to: at };
      });
  };
  const arc = (from: number, to: number): string => {
    const { cx, cy, r } = props;
    if (to - from >= 0.9999) {
      return `M${cx - r},${cy} a${r},${r} 0 1,0 ${2 * r},0 a${r},${r} 0 1,0 ${-2 * r},0`;
    }
    const point = (t: number): string => `${cx + r * Math.sin(2 * Math.PI * t)},${cy - r * Math.cos(2 * Math.PI * t)}`;
    return `M${cx},${cy} L${point(from)} A${r},${r} 0 ${to - from > 0.5 ? 1 : 0},1 ${point(to)} Z`;
  };
  return (
    <g class="network-pie" data-testid="network-pie">
      <circle cx={props.cx} cy={props.cy} r={props.r} class="network-pie-rest">
        <title>{props.title}</title>
      </circle>
      <Index each={slices()}>
        {(s) => (
          <path d={arc(s().from, s().to)} fill={s().color}>
            <title>{props.title}</title>
          </path>
        )}
      </Index>
    </g>
  );
}
