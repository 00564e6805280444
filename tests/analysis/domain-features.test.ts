import { describe, expect, it } from 'vitest';
import { domainFeatures, roundFeature, unitHistogram } from '../../analysis/domain-features.ts';
import { FEATURE_HISTOGRAM_BINS } from '../../core/features-protocol.ts';
import { twoDomains } from '../lib/linear-svm/linear-svm-fixtures.ts';

const neurons = (d: number) => Array.from({ length: d }, (_, k) => ({ layer: k < 2 ? ('conv1' as const) : ('fc6' as const), neuron: k * 3 }));
const indices = (n: number) => Array.from({ length: n }, (_, i) => i * 2);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('unitHistogram', () => {
  it('bins [−1, 1] evenly, the maximum into the last bin', () => {
    const column = new Float32Array([-1, -0.99, 0, 0.124, 0.125, 1]);
    const counts = unitHistogram(column, 1, 0, 0, 6);
    expect(counts).toHaveLength(FEATURE_HISTOGRAM_BINS);
    expect(counts[0]).toBe(2);
    expect(counts[8]).toBe(2); // [0, 0.125)
    expect(counts[9]).toBe(1); // [0.125, 0.25)
    expect(counts[15]).toBe(1);
    expect(sum(counts)).toBe(6);
  });
});

describe('domainFeatures', () => {
  it('tells separable domains apart and ranks the shifted neurons first, source-like positive', () => {
    const d = 6;
    const { source, target } = twoDomains(5, 40, 30, d, { factors: 2, discriminative: 2, shift: 4 });
    const result = domainFeatures({ classIndex: 3, neurons: neurons(d), source, target, sourceInstances: indices(40), targetInstances: indices(30) });
    expect(result.classIndex).toBe(3);
    expect(result.folds).toBe(10);
    expect(result.cvAccuracy).toBeGreaterThanOrEqual(0.95);
    const ranked = result.neurons.map((n, k) => [k, Math.abs(n.weight)] as const).sort((a, b) => b[1] - a[1]);
    expect(
      ranked
        .slice(0, 2)
        .map(([k]) => k)
        .sort(),
    ).toEqual([0, 1]);
    expect(result.neurons[0]!.weight).toBeGreaterThan(0);
    // Source rows to the right of the vertical boundary, target rows to its left, nearly all of them.
    expect(result.x).toHaveLength(70);
    expect(result.y).toHaveLength(70);
    const right = result.x.filter((x, r) => x > result.boundaryX! === r < 40).length;
    expect(right).toBeGreaterThanOrEqual(68);
    for (const n of result.neurons) {
      expect(sum(n.source)).toBe(40);
      expect(sum(n.target)).toBe(30);
      expect(Math.hypot(...n.axis)).toBeLessThanOrEqual(1.001);
    }
    expect(result.neurons.map((n) => [n.layer, n.neuron])).toEqual(neurons(d).map((n) => [n.layer, n.neuron]));
  });

  it('scores identically distributed domains near chance', () => {
    const d = 5;
    const { source, target } = twoDomains(6, 120, 120, d, { discriminative: 0 });
    const result = domainFeatures({ classIndex: 0, neurons: neurons(d), source, target, sourceInstances: indices(120), targetInstances: indices(120) });
    expect(Math.abs(result.cvAccuracy! - 0.5)).toBeLessThan(0.15);
  });

  it('keeps the JSON compact: 4 significant digits', () => {
    expect(roundFeature(0.123456)).toBe(0.1235);
    expect(roundFeature(-1234.5678)).toBe(-1235);
    const { source, target } = twoDomains(7, 20, 20, 3);
    const result = domainFeatures({ classIndex: 0, neurons: neurons(3), source, target, sourceInstances: indices(20), targetInstances: indices(20) });
    for (const v of [...result.x, ...result.y, ...result.neurons.map((n) => n.weight)]) {
      expect(Number(v.toPrecision(4))).toBe(v);
    }
  });

  it('has no classifier without instances of one domain, but keeps the other domain histograms', () => {
    const { source } = twoDomains(8, 7, 1, 4);
    const result = domainFeatures({
      classIndex: 1,
      neurons: neurons(4),
      source,
      target: new Float32Array(0),
      sourceInstances: indices(7),
      targetInstances: [],
    });
    expect(result.cvAccuracy).toBeNull();
    expect(result.boundaryX).toBeNull();
    expect(result.x).toEqual([]);
    expect(result.neurons.every((n) => n.weight === 0 && sum(n.source) === 7 && sum(n.target) === 0)).toBe(true);
    const none = domainFeatures({
      classIndex: 2,
      neurons: [],
      source: new Float32Array(0),
      target: new Float32Array(0),
      sourceInstances: [1],
      targetInstances: [2],
    });
    expect(none.neurons).toEqual([]);
    expect(none.cvAccuracy).toBeNull();
  });

  it('rejects matrices that do not match the instance lists', () => {
    expect(() =>
      domainFeatures({
        classIndex: 0,
        neurons: neurons(2),
        source: new Float32Array(3),
        target: new Float32Array(2),
        sourceInstances: [0, 1],
        targetInstances: [0],
      }),
    ).toThrow(/class 0 got 3 source and 2 target values for 2 \+ 1 instances of 2 neurons/);
  });
});
