import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cutLayers, layerTopology, partitionsEveryPath } from '../../../analysis/attribution/layer-graph.ts';
import { layerConductance, type ConductanceResult } from '../../../analysis/attribution/layer-conductance.ts';
import { completenessGaps } from '../../../analysis/attribution/completeness.ts';
import { graphImages, smallResidualModel, smallSeparableModel, weightedLayers } from '../../helpers/small-graph-models.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Instance i's conductances of `layers` summed over every neuron and position, by a plain loop. */
function totalOf(result: ConductanceResult, layers: readonly string[], i: number): number {
  return layers.reduce((total, name) => {
    const l = result.layers.find((r) => r.layer === name)!;
    return total + l.summed.subarray(i * l.neurons, (i + 1) * l.neurons).reduce((a, b) => a + b, 0);
  }, 0);
}

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1e-6, ...expected.map(Math.abs));
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!) / scale).toBeLessThan(1e-5));
}

// Residual model: the monitored convolutions plus the tensors a shortcut reads (stem_relu, block1_relu2) and a
// block's Add, which are cuts; depthwise model: every weighted layer plus the concatenation.
const CASES = [
  { name: 'residual', build: (homogeneous = false) => smallResidualModel(3, homogeneous), extra: ['stem_relu', 'block1_add', 'block1_relu2'] },
  { name: 'depthwise-separable with a concatenation', build: (homogeneous = false) => smallSeparableModel(5, homogeneous), extra: ['concat'] },
];

describe.each(CASES)('layerConductance on a $name graph', ({ build, extra }) => {
  it('gives every layer in one set of passes what one probe on that layer alone gives', async () => {
    const model = build();
    const layers = [...weightedLayers(model), ...extra];
    const images = graphImages(1);
    const before = tf.memory().numTensors;
    // 3 path points per pass for a 5-point path: the path is split over passes, so chunking is exercised too.
    const all = await layerConductance(model, images, { layers, steps: 4, batchSize: 3 });
    expect(tf.memory().numTensors).toBe(before);
    for (const layer of layers) {
      const alone = await layerConductance(model, images, { layers: [layer], steps: 4, targets: all.targets });
      const together = all.layers.find((l) => l.layer === layer)!;
      expectClose(together.values, alone.layers[0]!.values);
      expectClose(together.summed, alone.layers[0]!.summed);
    }
    model.dispose();
  });

  it('is complete within 1% at 50 steps for the layers every path crosses, and not for a layer a shortcut bypasses', async () => {
    // Homogeneous, as the chain's completeness test: no unit switches along the path, so the Stieltjes sums are exact
    // and telescope to F(a_m x) - F(a_0 x) (the Gauss-Legendre nodes stop short of 0 and 1); a missed consumer of a
    // probed output (a shortcut reading the unprobed tensor) would show as a missing share, not as integration error.
    const model = build(true);
    const layers = [...weightedLayers(model), ...extra];
    const cuts = cutLayers(model, layers);
    expect(cuts.length).toBeGreaterThanOrEqual(3);
    const result = await layerConductance(model, graphImages(1), { layers, steps: 50 });
    const span = result.alphas[50]! - result.alphas[0]!;
    for (let i = 0; i < result.count; i++) {
      const difference = span * (result.logitAtInput[i]! - result.logitAtBaseline[i]!);
      expect(Math.abs(difference)).toBeGreaterThan(0.01);
      for (const layer of cuts) {
        expect(Math.abs(totalOf(result, [layer], i) - difference), `${layer}, instance ${i}`).toBeLessThan(0.01 * Math.abs(difference));
      }
      // A layer inside a block carries only the share that does not take the shortcut around it.
      for (const layer of layers.filter((l) => !cuts.includes(l))) {
        expect(Math.abs(totalOf(result, [layer], i) - difference), `${layer}, instance ${i}`).toBeGreaterThan(0.02 * Math.abs(difference));
      }
    }
    model.dispose();
  });
});

describe('layerConductance where a shortcut bypasses a layer', () => {
  it('sums to the logit difference over a block convolution and its projection shortcut together, not over either alone', async () => {
    const model = smallResidualModel(3, true);
    const pair = ['block2_conv2', 'block2_shortcut_conv'];
    expect(partitionsEveryPath(layerTopology(model), pair)).toBe(true);
    expect(cutLayers(model, pair)).toEqual([]);
    const result = await layerConductance(model, graphImages(1), { layers: pair, steps: 50 });
    const span = result.alphas[50]! - result.alphas[0]!;
    for (let i = 0; i < result.count; i++) {
      const difference = span * (result.logitAtInput[i]! - result.logitAtBaseline[i]!);
      expect(Math.abs(totalOf(result, pair, i) - difference)).toBeLessThan(0.01 * Math.abs(difference));
      // The product's check, against F(x) - F(x') itself: the Gauss-Legendre span costs ~0.1% at 50 steps.
      expect(completenessGaps(result, pair)[i]).toBeLessThan(0.01);
      for (const layer of pair) {
        expect(Math.abs(totalOf(result, [layer], i) - difference)).toBeGreaterThan(0.05 * Math.abs(difference));
      }
    }
    model.dispose();
  });

  it('gives a Sequential model and the same layers run as a functional graph identical conductances', async () => {
    const sequential = tfl.sequential();
    sequential.add(
      tfl.layers.conv2d({
        name: 'conv1',
        inputShape: [16, 16, 3],
        filters: 4,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: tfl.initializers.heNormal({ seed: 1 }),
        biasInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 0.2, seed: 2 }),
      }),
    );
    sequential.add(tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
    sequential.add(
      tfl.layers.conv2d({ name: 'conv2', filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.heNormal({ seed: 3 }) }),
    );
    sequential.add(tfl.layers.flatten({ name: 'flatten' }));
    sequential.add(tfl.layers.dense({ name: 'fc6', units: 8, activation: 'relu', kernelInitializer: tfl.initializers.heNormal({ seed: 4 }) }));
    sequential.add(tfl.layers.dropout({ name: 'drop6', rate: 0.5 }));
    sequential.add(tfl.layers.dense({ name: 'fc8', units: 3, kernelInitializer: tfl.initializers.heNormal({ seed: 5 }) }));
    // The same layer objects (same weights) called on a new input: a functional model whose graph runGraph walks.
    const input = tfl.input({ shape: [16, 16, 3] });
    const functional = tfl.model({ inputs: input, outputs: sequential.layers.reduce((x, layer) => layer.apply(x) as tfl.SymbolicTensor, input) });
    expect(Object.keys(functional.nodesByDepth).length).toBeGreaterThan(0);
    const layers = ['conv1', 'conv2', 'fc6', 'fc8'];
    const images = graphImages(2);
    const chain = await layerConductance(sequential, images, { layers, steps: 10 });
    const graph = await layerConductance(functional, images, { layers, steps: 10 });
    expect(graph.targets).toEqual(chain.targets);
    chain.layers.forEach((l, i) => {
      expect(graph.layers[i]!.values).toEqual(l.values);
      expect(graph.layers[i]!.summed).toEqual(l.summed);
    });
    sequential.dispose();
  });
});
