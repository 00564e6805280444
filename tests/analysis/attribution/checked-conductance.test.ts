import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { pathAlphas } from '../../../analysis/attribution/integration-path.ts';
import { layerConductance } from '../../../analysis/attribution/layer-conductance.ts';
import { checkedConductance, completenessResiduals } from '../../../analysis/attribution/checked-conductance.ts';
import { GRAPH_PIXELS, graphImages, smallResidualModel, weightedLayers } from '../../helpers/small-graph-models.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** conv1, pool1, conv2, flatten, fc6, fc8 on 6x6x3 inputs; with `biased` false it is positively homogeneous. */
function tinyConvNet(seed: number, biased = true): tfl.Sequential {
  const model = tfl.sequential();
  const kernel = (s: number) => tfl.initializers.heNormal({ seed: s });
  const bias = (s: number) => (biased ? tfl.initializers.randomNormal({ mean: 0, stddev: 0.3, seed: s }) : tfl.initializers.zeros());
  const conv = (name: string, filters: number, s: number, inputShape?: number[]) =>
    tfl.layers.conv2d({
      name,
      ...(inputShape ? { inputShape } : {}),
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: kernel(s),
      biasInitializer: bias(s + 1),
    });
  model.add(conv('conv1', 4, seed, [6, 6, 3]));
  model.add(tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2, strides: 2 }));
  model.add(conv('conv2', 5, seed + 2));
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(tfl.layers.dense({ name: 'fc6', units: 8, activation: 'relu', kernelInitializer: kernel(seed + 4), biasInitializer: bias(seed + 5) }));
  model.add(tfl.layers.dense({ name: 'fc8', units: 3, kernelInitializer: kernel(seed + 6) }));
  return model;
}

const LAYERS = ['conv1', 'conv2', 'fc6', 'fc8'];

/**
 * fc6 (3 -> 4, ReLU), fc7 (4 -> 3, ReLU), fc8 (3 -> 2). Biases switch units on part-way along some paths and not
 * along others: a path without a switch is affine in every layer, so any steps are exact there.
 */
function tinyDenseNet(): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ name: 'fc6', inputShape: [3], units: 4, activation: 'relu' }));
  model.add(tfl.layers.dense({ name: 'fc7', units: 3, activation: 'relu' }));
  model.add(tfl.layers.dense({ name: 'fc8', units: 2 }));
  const set = (name: string, w: number[][], b: number[]) => model.getLayer(name).setWeights([tf.tensor2d(w), tf.tensor1d(b)]);
  set(
    'fc6',
    [
      [1, -0.5, 0.3, 0.8],
      [-0.7, 0.9, 0.4, -0.2],
      [0.2, 0.6, -1, 0.5],
    ],
    [-0.3, 0.1, 0.2, -0.4],
  );
  set(
    'fc7',
    [
      [0.6, -0.4, 0.9],
      [0.8, 0.7, -0.3],
      [-0.5, 0.6, 0.4],
      [0.3, -0.9, 0.7],
    ],
    [-0.2, 0.1, -0.35],
  );
  set(
    'fc8',
    [
      [1.2, -0.6],
      [-0.8, 0.9],
      [0.5, 1.1],
    ],
    [0.05, -0.1],
  );
  return model;
}
const DENSE_LAYERS = ['fc6', 'fc7', 'fc8'];
const denseInputs = (count: number) => Float32Array.from({ length: count * 3 }, (_, i) => 2 * Math.sin(i * 2.17 + 0.3));
const CHECK = 8;
const TOLERANCE = 0.05;
const images = (count: number) => Float32Array.from({ length: count * 108 }, (_, i) => (Math.sin(i * 0.37 + Math.floor(i / 108) * 1.9) + 1) / 2);
const rowOf = (values: Float32Array, neurons: number, i: number) => [...values.subarray(i * neurons, (i + 1) * neurons)];

describe('checkedConductance', () => {
  it('keeps the check where it is complete within the tolerance and is a plain 50-step run everywhere else', async () => {
    const model = tinyDenseNet();
    const x = denseInputs(16);
    const before = tf.memory().numTensors;
    const plain = await layerConductance(model, x, { layers: DENSE_LAYERS, steps: 50 });
    const coarse = await layerConductance(model, x, { layers: DENSE_LAYERS, steps: CHECK, targets: plain.targets });
    const checkOnly = await checkedConductance(model, x, { layers: DENSE_LAYERS, steps: 50, checkSteps: CHECK, tolerance: Infinity, targets: plain.targets });
    const checked = await checkedConductance(model, x, { layers: DENSE_LAYERS, steps: 50, checkSteps: CHECK, tolerance: TOLERANCE, targets: plain.targets });
    expect(tf.memory().numTensors).toBe(before);
    // Without re-doing any instance, the result is the coarse run stretched to the 50-step rule's span.
    const fine = pathAlphas('gausslegendre', 51);
    const stretch = (fine[50]! - fine[0]!) / (coarse.alphas[CHECK]! - coarse.alphas[0]!);
    expect(stretch).toBeGreaterThan(1);
    checkOnly.layers.forEach((layer, l) => layer.values.forEach((v, j) => expect(v).toBeCloseTo(coarse.layers[l]!.values[j]! * stretch, 6)));
    expect(checkOnly.schedule.refined).toBe(0);

    const failing = [...checkOnly.residuals.keys()].filter((i) => checkOnly.residuals[i]! > TOLERANCE);
    // The fixture exercises both sides of the check.
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.length).toBeLessThan(16);
    expect(checked.schedule).toEqual({ steps: 50, checkSteps: CHECK, tolerance: TOLERANCE, instances: 16, refined: failing.length });
    const plainResiduals = await completenessResiduals(model, x, plain, plain.alphas, { relativeTo: 'attribution' });
    for (let i = 0; i < 16; i++) {
      const redone = failing.includes(i);
      checked.layers.forEach((layer, l) => {
        const expected = rowOf((redone ? plain : checkOnly).layers[l]!.values, layer.neurons, i);
        rowOf(layer.values, layer.neurons, i).forEach((v, n) => expect(v).toBeCloseTo(expected[n]!, 5));
      });
      expect(checked.residuals[i]).toBeCloseTo(redone ? plainResiduals[i]! : checkOnly.residuals[i]!, 6);
      if (!redone) {
        expect(checked.residuals[i]).toBeLessThanOrEqual(TOLERANCE);
      }
    }
  });

  it('on a positively homogeneous net passes every check, and the stretched check equals 50 steps', async () => {
    const model = tinyConvNet(5, false);
    const x = images(6);
    const plain = await layerConductance(model, x, { layers: LAYERS, steps: 50 });
    const checked = await checkedConductance(model, x, { layers: LAYERS, steps: 50, checkSteps: 8, tolerance: 0.01, targets: plain.targets });
    expect(checked.schedule.refined).toBe(0);
    checked.layers.forEach((layer, l) => layer.values.forEach((v, j) => expect(v).toBeCloseTo(plain.layers[l]!.values[j]!, 5)));
    // Complete over the 50-step rule's ends, to rounding.
    checked.residuals.forEach((r) => expect(r).toBeLessThan(1e-4));
  });

  it('with tolerance 0 re-does every instance at 50 steps, and refuses a check finer than the steps', async () => {
    const model = tinyConvNet(3);
    const x = images(5);
    const plain = await layerConductance(model, x, { layers: LAYERS, steps: 50 });
    const checked = await checkedConductance(model, x, { layers: LAYERS, steps: 50, checkSteps: 4, tolerance: 0, targets: plain.targets });
    expect(checked.schedule.refined).toBe(5);
    checked.layers.forEach((layer, l) => layer.summed.forEach((v, j) => expect(v).toBeCloseTo(plain.layers[l]!.summed[j]!, 5)));
    await expect(checkedConductance(model, x, { layers: LAYERS, steps: 8, checkSteps: 16, tolerance: 0.01 })).rejects.toThrow(/checkSteps in \[1, steps\]/);
    const empty = await checkedConductance(model, new Float32Array(0), { layers: LAYERS, steps: 50, checkSteps: 8, tolerance: 0.01 });
    expect(empty.schedule).toMatchObject({ instances: 0, refined: 0 });
  });

  it('on a residual graph checks only the cut layers, and re-does every instance when no monitored layer is a cut', async () => {
    const model = smallResidualModel(4, true);
    const x = graphImages(3);
    expect(x.length).toBe(3 * GRAPH_PIXELS);
    const layers = weightedLayers(model);
    const plain = await layerConductance(model, x, { layers, steps: 50 });
    // Homogeneous: the cut layers (stem_conv, fc) are complete at any steps, though the layers inside a block are not.
    const checked = await checkedConductance(model, x, { layers, steps: 50, checkSteps: 8, tolerance: 0.01, targets: plain.targets });
    expect(checked.schedule.refined).toBe(0);
    checked.layers.forEach((layer, l) => layer.values.forEach((v, j) => expect(v).toBeCloseTo(plain.layers[l]!.values[j]!, 4)));
    const inside = await checkedConductance(model, x, { layers: ['block1_conv1'], steps: 50, checkSteps: 8, tolerance: 0.01, targets: plain.targets });
    expect(inside.schedule.refined).toBe(3);
    model.dispose();
  });
});
