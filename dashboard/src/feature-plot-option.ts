// The discriminability plot's ECharts option (paper §5.4, Figure 5): instances on the SVM's unit normal (x)
// and the orthonormalised first principal component (y), the vertical decision boundary, biplot arrows.
import type { FeatureClassAnalysis } from '../../core/features-protocol.ts';
import type { ChartOption } from './chart.ts';
import { SOURCE_COLOR, TARGET_COLOR } from './colors.ts';
import { centroid, neuronId } from './feature-model.ts';

/** A filled "x": ECharts fills path symbols, so a stroked cross would be invisible. */
export const CROSS_SYMBOL = 'path://M2,0L5,3L8,0L10,2L7,5L10,8L8,10L5,7L2,10L0,8L3,5L0,2Z';

const ARROW_COLOR = '#3a3f47';

export interface FeaturePlotInput {
  cls: FeatureClassAnalysis;
  /** Neurons (`neuronId`) that get a biplot arrow. */
  axes: ReadonlySet<string>;
  className: string;
}

interface PointParams {
  componentType: string;
  seriesId?: string;
  name?: string;
  value?: unknown;
}

const fixed = (v: number): string => v.toFixed(3);

/** The arrows drawn, in the order of the class's neurons: also what the view reports for tests. */
export function biplotArrows(
  input: FeaturePlotInput,
): { id: string; label: string; from: [number, number]; to: [number, number]; weight: number; axis: [number, number] }[] {
  const { cls, axes } = input;
  const [cx, cy] = centroid(cls.x, cls.y);
  const shown = cls.neurons.filter((n) => axes.has(neuronId(n)));
  // With dozens of neurons each loading on the plane is small, so arrows share one scale that takes the
  // longest shown arrow to 80% of the farthest point's distance from the centre; their ratios stay true.
  const radius = Math.max(1e-6, ...cls.x.map((x, i) => Math.hypot(x - cx, cls.y[i]! - cy)));
  const longest = Math.max(1e-6, ...shown.map((n) => Math.hypot(...n.axis)));
  const scale = (0.8 * radius) / longest;
  return shown.map((n) => ({
    id: neuronId(n),
    label: `${n.layer} #${n.neuron}`,
    from: [cx, cy],
    to: [cx + scale * n.axis[0], cy + scale * n.axis[1]],
    weight: n.weight,
    axis: n.axis,
  }));
}

export function featurePlotOption(input: FeaturePlotInput): ChartOption {
  const { cls, className } = input;
  const ns = cls.sourceInstances.length;
  const points = (from: number, to: number, instances: number[]) =>
    instances.map((instance, j) => [cls.x[from + j]!, cls.y[from + j]!, instance]).slice(0, to - from);
  const arrows = biplotArrows(input);
  const tooltip = (raw: unknown): string => {
    const p = raw as PointParams;
    if (p.componentType === 'markLine') {
      if (p.seriesId === 'boundary') {
        return `Decision boundary of the domain SVM (x = ${cls.boundaryX === null ? '—' : fixed(cls.boundaryX)}): source-like to the right, target-like to the left`;
      }
      const arrow = arrows.find((a) => a.label === p.name);
      return arrow
        ? `${arrow.label}: discriminability ${arrow.weight.toFixed(3)}; loading ${fixed(arrow.axis[0])} on the SVM normal, ${fixed(arrow.axis[1])} on PC1. Instances with high conductance here lie in the arrow's direction.`
        : '';
    }
    const [x, y, instance] = p.value as [number, number, number];
    const domain = p.seriesId === 'source' ? 'source' : 'target';
    return `${domain} validation instance #${instance} (class ${className})<br/>along the SVM normal ${fixed(x)}, along PC1 ${fixed(y)}`;
  };
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 28, bottom: 40 },
    tooltip: { trigger: 'item', formatter: tooltip },
    legend: { top: 0, right: 8, data: ['source', 'target'] },
    xAxis: { type: 'value', name: 'SVM normal', nameLocation: 'middle', nameGap: 22, scale: true, splitLine: { show: false }, axisLine: { onZero: false } },
    yAxis: { type: 'value', name: 'PC1 ⟂', nameLocation: 'middle', nameGap: 34, scale: true, splitLine: { show: false }, axisLine: { onZero: false } },
    series: [
      {
        id: 'source',
        name: 'source',
        type: 'scatter',
        symbol: CROSS_SYMBOL,
        symbolSize: 8,
        itemStyle: { color: SOURCE_COLOR, opacity: 0.75 },
        data: points(0, ns, cls.sourceInstances),
      },
      {
        id: 'target',
        name: 'target',
        type: 'scatter',
        symbol: 'circle',
        symbolSize: 7,
        itemStyle: { color: 'transparent', borderColor: TARGET_COLOR, borderWidth: 1.5 },
        data: points(ns, cls.x.length, cls.targetInstances),
      },
      {
        id: 'boundary',
        type: 'scatter',
        data: [],
        silent: false,
        markLine:
          cls.boundaryX === null
            ? { data: [] }
            : {
                symbol: 'none',
                silent: false,
                lineStyle: { color: '#555', type: 'dashed', width: 1.5 },
                label: { formatter: 'boundary', position: 'start' },
                data: [{ xAxis: cls.boundaryX }],
              },
      },
      {
        id: 'biplot',
        type: 'scatter',
        data: [],
        markLine: {
          symbol: ['none', 'arrow'],
          symbolSize: 7,
          silent: false,
          animation: false,
          lineStyle: { color: ARROW_COLOR, type: 'solid', width: 1.2 },
          label: { formatter: '{b}', position: 'end', color: ARROW_COLOR, fontSize: 10 },
          data: arrows.map((a) => [{ name: a.label, coord: a.from }, { coord: a.to }]) as never,
        },
      },
    ],
  };
}
