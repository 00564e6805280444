import { describe, expect, it } from 'vitest';
import { classAccuracyChanges, importantChanges, layerChanges, setChanges } from '../../analysis/checkpoint-comparison.ts';
import type { NetworkAbstraction, NetworkClassAbstraction } from '../../core/network-protocol.ts';
import { networkBoundary, networkLayer } from '../helpers/run-fixture.ts';

describe('classAccuracyChanges', () => {
  it('matches classes by name across runs and gives b - a per split, null where a side lacks the class', () => {
    const a = {
      classNames: ['cat', 'dog'],
      accuracy: new Map([
        ['target-validation', [0.5, 0.25]],
        ['source-validation', [1, Number.NaN]],
      ] as const),
    };
    const b = { classNames: ['dog', 'bird'], accuracy: new Map([['target-validation', [0.75, 1]]] as const) };
    const rows = classAccuracyChanges(a, b);
    const target = rows.filter((r) => r.split === 'target-validation');
    expect(target).toEqual([
      { className: 'dog', split: 'target-validation', a: 0.25, b: 0.75, delta: 0.5 },
      { className: 'bird', split: 'target-validation', a: null, b: 1, delta: null },
      { className: 'cat', split: 'target-validation', a: 0.5, b: null, delta: null },
    ]);
    // A class without instances (NaN) and a split without predictions both become null.
    expect(rows.find((r) => r.split === 'source-validation' && r.className === 'dog')).toMatchObject({ a: null, b: null, delta: null });
    expect(rows.find((r) => r.split === 'source-validation' && r.className === 'cat')).toMatchObject({ a: 1, b: null });
  });
});

describe('setChanges', () => {
  it('keeps b order for kept and added, a order for removed', () => {
    expect(setChanges([5, 1, 3], [3, 7, 5, 2])).toEqual({ kept: [3, 5], added: [7, 2], removed: [1] });
    expect(setChanges<string>([], ['x'])).toEqual({ kept: [], added: ['x'], removed: [] });
  });
});

describe('layerChanges', () => {
  it('matches layers by name and summarises per-neuron similarity with the most changed neurons first', () => {
    const layer = (kernel: number[]) => ({ layer: 'fc8' as const, kernelShape: [2, 3], kernel: Float32Array.from(kernel), bias: new Float32Array(3) });
    // Neurons (columns): 0 unchanged, 1 flipped, 2 rotated by 90 degrees.
    const [change] = layerChanges([layer([1, 1, 1, 0, 1, 0])], [layer([1, -1, 0, 0, -1, 1])]);
    expect(change!.layer).toBe('fc8');
    expect(change!.neuronSimilarity!.leastSimilar.map((n) => n.neuron)).toEqual([1, 2, 0]);
    expect(change!.neuronSimilarity!.min).toBeCloseTo(-1, 6);
    expect(change!.neuronSimilarity!.median).toBeCloseTo(0, 6);
    expect(change!.neuronSimilarity!.histogram.reduce((x, y) => x + y, 0)).toBe(3);
    expect(layerChanges([], [layer([1, 1, 1, 0, 1, 0])])[0]).toEqual({ layer: 'fc8', relativeL2: null, neuronSimilarity: null });
  });

  it('lists the five least similar neurons as a full sort would, ties in neuron order', () => {
    // Neuron o moves from (1, 0) to the angle angles[turn[o]]: neurons turned alike have equal similarity.
    const angles = [0.2, 1.1, 2.5, 3.0];
    const turn = [1, 3, 0, 2, 3, 1, 0, 3, 2, 2, 1, 0, 3];
    const n = turn.length;
    const a = Float32Array.from({ length: 2 * n }, (_, i) => (i < n ? 1 : 0));
    const b = Float32Array.from({ length: 2 * n }, (_, i) => (i < n ? Math.cos(angles[turn[i]!]!) : Math.sin(angles[turn[i - n]!]!)));
    const layer = (kernel: Float32Array) => ({ layer: 'fc7' as const, kernelShape: [2, n], kernel, bias: new Float32Array(n) });
    const [change] = layerChanges([layer(a)], [layer(b)]);
    // Reference: every neuron sorted by how far it turned, then by index.
    const bySort = turn.map((t, neuron) => ({ neuron, t })).sort((x, y) => y.t - x.t || x.neuron - y.neuron);
    expect(change!.neuronSimilarity!.leastSimilar.map((l) => l.neuron)).toEqual(bySort.slice(0, 5).map((l) => l.neuron));
    expect(change!.neuronSimilarity!.leastSimilar[0]!.similarity).toBeCloseTo(Math.cos(3.0), 5);
  });
});

describe('layerChanges of a depthwise layer', () => {
  it('summarises one similarity per channel when told the layer is depthwise', () => {
    // 1x1 depthwise kernel over 4 channels (multiplier 1, no bias, as MobileNet-32 stores it): channel 3 flipped.
    const layer = (kernel: number[]) => ({
      layer: 'block1_depthwise',
      kernelShape: [1, 1, 4, 1],
      kernel: Float32Array.from(kernel),
      bias: new Float32Array(0),
    });
    const [change] = layerChanges([layer([1, 2, 3, 4])], [layer([2, 4, 6, -4])], (_, shape) => shape[2]! * shape[3]!);
    expect(change!.neuronSimilarity!.histogram.reduce((x, y) => x + y, 0)).toBe(4);
    expect(change!.neuronSimilarity!.leastSimilar.map((n) => [n.neuron, n.similarity])).toEqual([
      [3, -1],
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
  });
});

describe('importantChanges', () => {
  const cls = (classIndex: number, neurons: number[], weights: [number, number][]): NetworkClassAbstraction => ({
    classIndex,
    instances: [],
    layers: [networkLayer('conv1', neurons)],
    boundaries: [networkBoundary('conv1', 'conv2', weights)],
  });
  const abstraction = (classes: NetworkClassAbstraction[]): NetworkAbstraction => ({ steps: 1, maxPerClass: 1, seconds: 0, classes });

  it('diffs important neurons and weights of classes present on both sides, matched by name', () => {
    const a = { abstraction: abstraction([cls(0, [1, 2], [[1, 3]]), cls(1, [4], [])]), classNames: ['cat', 'dog'] };
    const b = {
      abstraction: abstraction([
        cls(
          0,
          [2, 5],
          [
            [1, 3],
            [2, 2],
          ],
        ),
      ]),
      classNames: ['cat'],
    };
    expect(importantChanges(a, b)).toEqual([
      {
        className: 'cat',
        layers: [{ layer: 'conv1', neurons: { kept: [2], added: [5], removed: [1] } }],
        boundaries: [{ fromLayer: 'conv1', toLayer: 'conv2', weights: { kept: ['1>3'], added: ['2>2'], removed: [] } }],
      },
    ]);
    expect(importantChanges(b, { abstraction: abstraction([cls(0, [9], [])]), classNames: ['dog'] })).toEqual([]);
  });
});
