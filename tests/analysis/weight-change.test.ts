import { describe, expect, it } from 'vitest';
import { neuronWeightSimilarity, relativeL2, type LayerParameters } from '../../analysis/weight-change.ts';

const dense = (kernel: number[], bias: number[]): LayerParameters => ({
  kernelShape: [kernel.length / bias.length, bias.length],
  kernel: Float32Array.from(kernel),
  bias: Float32Array.from(bias),
});

describe('relativeL2', () => {
  it('is 0 for identical weights and ||b - a|| / ||a|| over kernel and bias together', () => {
    const a = dense([3, 0, 0, 0], [0, 4]);
    expect(relativeL2(a, a)).toBe(0);
    // ||a|| = 5; b - a = (0, 0, 0, 1, 0, 0)
    expect(relativeL2(a, dense([3, 0, 0, 1], [0, 4]))).toBeCloseTo(0.2, 6);
    expect(relativeL2(a, dense([0, 0, 0, 0], [0, 0]))).toBeCloseTo(1, 6);
  });

  it('is null when the shapes differ (a replaced head) or the reference is all zeros', () => {
    expect(relativeL2(dense([1, 2, 3, 4], [1, 1]), dense([1, 2, 3], [1, 1, 1]))).toBeNull();
    expect(relativeL2(dense([0, 0], [0, 0]), dense([1, 0], [0, 0]))).toBeNull();
  });
});

describe('neuronWeightSimilarity', () => {
  it('reads each neuron from the last kernel axis (conv [kh, kw, in, out]) and includes its bias', () => {
    // 1x1 kernel, 2 inputs, 3 output channels: element (in, out) at in * 3 + out.
    const a: LayerParameters = { kernelShape: [1, 1, 2, 3], kernel: Float32Array.from([1, 0, 1, 0, 1, 1]), bias: Float32Array.from([0, 0, 0]) };
    const b: LayerParameters = { kernelShape: [1, 1, 2, 3], kernel: Float32Array.from([2, 0, -1, 0, 5, -1]), bias: Float32Array.from([0, 0, 0]) };
    const s = neuronWeightSimilarity(a, b)!;
    // neuron 0: (1,0)·(2,0) -> 1; neuron 1: (0,1)·(0,5) -> 1; neuron 2: (1,1)·(-1,-1) -> -1
    expect(Array.from(s, (x) => Number(x.toFixed(6)))).toEqual([1, 1, -1]);
    const withBias = neuronWeightSimilarity(dense([1, 1], [0, 0]), dense([1, 1], [1, 0]))!;
    expect(withBias[0]).toBeCloseTo(1 / Math.SQRT2, 6);
    expect(withBias[1]).toBeCloseTo(1, 6);
  });

  it('gives 0 for an all-zero neuron and null for different shapes', () => {
    expect(neuronWeightSimilarity(dense([0, 1], [0, 1]), dense([1, 1], [0, 1]))![0]).toBe(0);
    expect(neuronWeightSimilarity(dense([0, 1], [0, 1]), dense([1, 1, 1], [0, 1, 1]))).toBeNull();
  });

  it('reads a layer without a bias (a convolution before batch norm stores an empty one) from its kernel alone', () => {
    // 1x1 kernel, 2 inputs, 3 output channels, no bias: before, the empty bias made the row walk never advance.
    const a: LayerParameters = { kernelShape: [1, 1, 2, 3], kernel: Float32Array.from([1, 0, 1, 0, 1, 1]), bias: new Float32Array(0) };
    const b: LayerParameters = { kernelShape: [1, 1, 2, 3], kernel: Float32Array.from([2, 0, -1, 0, 5, -1]), bias: new Float32Array(0) };
    expect(Array.from(neuronWeightSimilarity(a, b)!, (x) => Number(x.toFixed(6)))).toEqual([1, 1, -1]);
    expect(
      neuronWeightSimilarity(
        { kernelShape: [0, 2], kernel: new Float32Array(0), bias: new Float32Array(0) },
        { kernelShape: [0, 2], kernel: new Float32Array(0), bias: new Float32Array(0) },
      ),
    ).toEqual(new Float32Array(2));
  });

  it('takes the neuron count of a depthwise kernel [kh, kw, in, m] from its class: in * m channels, not m', () => {
    // 1x1 depthwise kernel over 3 channels, multiplier 1, no bias: three neurons, one weight each.
    const depthwise = (kernel: number[]): LayerParameters => ({ kernelShape: [1, 1, 3, 1], kernel: Float32Array.from(kernel), bias: new Float32Array(0) });
    expect(Array.from(neuronWeightSimilarity(depthwise([1, 2, 3]), depthwise([2, -1, 3]), 3)!)).toEqual([1, -1, 1]);
    // Without it the row reads one neuron over all three channels.
    expect(neuronWeightSimilarity(depthwise([1, 2, 3]), depthwise([2, -1, 3]))).toHaveLength(1);
    expect(neuronWeightSimilarity(depthwise([1, 2, 3]), depthwise([2, -1, 3]), 2)).toBeNull();
  });
});
