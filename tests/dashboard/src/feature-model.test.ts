import { describe, expect, test } from 'vitest';
import type { EpochRecord } from '../../../core/protocol.ts';
import type { FeatureClassAnalysis, FeatureNeuron } from '../../../core/features-protocol.ts';
import { epochRecord } from '../../helpers/run-fixture.ts';
import { centroid, defaultAxes, featureTarget, histogramBars, neuronId, sortNeurons } from '../../../dashboard/src/feature-model.ts';
import { biplotArrows, CROSS_SYMBOL, featurePlotOption } from '../../../dashboard/src/feature-plot-option.ts';

const checkpoint = (record: EpochRecord): EpochRecord => ({ ...record, checkpoint: true });
const epochs = [checkpoint(epochRecord('source', 1, 1)), epochRecord('source', 2, 2), checkpoint(epochRecord('target', 1, 3))];

const neuron = (layer: FeatureNeuron['layer'], index: number, weight: number, axis: [number, number] = [0.1, 0]): FeatureNeuron => ({
  layer,
  neuron: index,
  weight,
  source: [1, 0],
  target: [0, 2],
  axis,
});
const neurons = [
  neuron('conv1', 4, 0.5),
  neuron('conv1', 9, -2),
  neuron('conv2', 1, 0.5),
  neuron('fc6', 7, 0),
  neuron('fc6', 3, 1.5),
  neuron('fc7', 0, -0.1),
  neuron('fc8', 2, 3),
];

describe('featureTarget', () => {
  test('the first source checkpoint is shown: the view needs one model only', () => {
    expect(featureTarget(epochs, epochs[0]!)).toEqual({ kind: 'checkpoint', checkpoint: epochs[0], exact: true });
    expect(featureTarget(epochs, epochs[1]!)).toEqual({ kind: 'checkpoint', checkpoint: epochs[0], exact: false });
    expect(featureTarget(epochs, null)).toEqual({ kind: 'none' });
  });
});

describe('sortNeurons and defaultAxes', () => {
  test('orders by |weight| either way, ties in server order', () => {
    expect(sortNeurons(neurons, 'descending').map(neuronId)).toEqual(['fc8:2', 'conv1:9', 'fc6:3', 'conv1:4', 'conv2:1', 'fc7:0', 'fc6:7']);
    expect(sortNeurons(neurons, 'ascending').map(neuronId)).toEqual(['fc6:7', 'fc7:0', 'conv1:4', 'conv2:1', 'fc6:3', 'conv1:9', 'fc8:2']);
  });

  test('the five most discriminative neurons get arrows; zero weights never do', () => {
    expect([...defaultAxes(neurons)]).toEqual(['fc8:2', 'conv1:9', 'fc6:3', 'conv1:4', 'conv2:1']);
    expect([...defaultAxes([neuron('fc6', 1, 0)])]).toEqual([]);
  });
});

describe('histogramBars', () => {
  test('source bars rise from the middle axis, target bars hang below it, one count scale', () => {
    const bars = histogramBars([2, 0, 1, 0], [0, 4, 0, 0], 40, 20);
    expect(bars.source[0]).toMatchObject({ x: 0, y: 5, height: 5, count: 2, from: -1, to: -0.5 });
    expect(bars.source[2]).toMatchObject({ x: 20, y: 7.5, height: 2.5 });
    expect(bars.target[1]).toMatchObject({ x: 10, y: 10, height: 10, count: 4 });
    expect(bars.target[0]!.height).toBe(0);
  });
});

describe('featurePlotOption', () => {
  const cls: FeatureClassAnalysis = {
    classIndex: 0,
    sourceInstances: [4, 8],
    targetInstances: [1],
    neurons,
    cvAccuracy: 1,
    folds: 3,
    x: [1, 3, -1],
    y: [0, 2, -2],
    boundaryX: 0.25,
  };
  test('source crosses, target circles, the vertical boundary and arrows from the centroid', () => {
    const axes = new Set(['fc8:2', 'conv1:9']);
    const option = featurePlotOption({ cls, axes, className: 'zero' });
    const series = option.series as { id: string; symbol?: string; data: unknown[]; markLine?: { data: unknown[] } }[];
    expect(series.map((s) => s.id)).toEqual(['source', 'target', 'boundary', 'biplot']);
    expect(series[0]!.symbol).toBe(CROSS_SYMBOL);
    expect(series[0]!.data).toEqual([
      [1, 0, 4],
      [3, 2, 8],
    ]);
    expect(series[1]!.data).toEqual([[-1, -2, 1]]);
    expect(series[2]!.markLine!.data).toEqual([{ xAxis: 0.25 }]);
    expect(series[3]!.markLine!.data).toHaveLength(2);
    expect(centroid(cls.x, cls.y)).toEqual([1, 0]);
    const arrows = biplotArrows({ cls, axes, className: 'zero' });
    expect(arrows.map((a) => a.id)).toEqual(['conv1:9', 'fc8:2']);
    // Farthest point is (3, 2) at distance √8 from the centroid; the longest arrow gets 80% of it.
    expect(arrows[0]!.from).toEqual([1, 0]);
    expect(arrows[0]!.to[0]).toBeCloseTo(1 + 0.8 * Math.sqrt(8), 10);
  });
});
