import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { pathAlphas } from '../../../analysis/attribution/integration-path.ts';
import { layerConductance } from '../../../analysis/attribution/layer-conductance.ts';
import { checkedConductance } from '../../../analysis/attribution/checked-conductance.ts';
import { completenessResiduals } from '../../../analysis/attribution/completeness.ts';
import { midpointCheckedConductance } from '../../../analysis/attribution/midpoint-refinement.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** conv1, pool1, conv2, flatten, fc6, fc8 on 6x6x3 inputs, with biases, so ReLUs and max-pools switch along paths. */
function tinyConvNet(seed: number): tfl.Sequential {
  const model = tfl.sequential();
  const kernel = (s: number) => tfl.initializers.heNormal({ seed: s });
  const bias = (s: number) => tfl.initializers.randomNormal({ mean: 0, stddev: 0.3, seed: s });
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
const PIXELS = 108;
const CHECK = 8;
const images = (count: number) => Float32Array.from({ length: count * PIXELS }, (_, i) => (Math.sin(i * 0.37 + Math.floor(i / PIXELS) * 1.9) + 1) / 2);

/**
 * The Stieltjes sums of `layer` over the explicit partition `alphas` for one image, by plain code: y from the layers up
 * to it, dF/dy by differentiating the layers after it, both at every point. Per neuron: max over positions, and sum.
 */
function stieltjesReference(
  model: tfl.Sequential,
  layer: string,
  image: Float32Array,
  target: number,
  alphas: number[],
): { values: number[]; summed: number[] } {
  const index = model.layers.findIndex((l) => l.name === layer);
  const upTo = (x: tf.Tensor) => model.layers.slice(0, index + 1).reduce((t, l) => l.apply(t) as tf.Tensor, x);
  const after = (y: tf.Tensor) => model.layers.slice(index + 1).reduce((t, l) => l.apply(t) as tf.Tensor, y);
  const points = alphas.map((a) =>
    tf.tidy(() => {
      const y = upTo(
        tf.tensor(
          image.map((v) => a * v),
          [1, 6, 6, 3],
        ),
      );
      const g = tf.grad((out: tf.Tensor) => tf.sum(tf.mul(after(out), tf.oneHot([target], 3))) as tf.Scalar)(y);
      return { y: y.dataSync() as Float32Array, g: g.dataSync() as Float32Array, neurons: y.shape.at(-1)! };
    }),
  );
  const { neurons } = points[0]!;
  const map = new Float64Array(points[0]!.y.length);
  for (let k = 0; k + 1 < points.length; k++) {
    map.forEach((_, d) => (map[d]! += points[k]!.g[d]! * (points[k + 1]!.y[d]! - points[k]!.y[d]!)));
  }
  const values: number[] = [];
  const summed: number[] = [];
  for (let n = 0; n < neurons; n++) {
    const column = [...map].filter((_, d) => d % neurons === n);
    values.push(Math.max(...column));
    summed.push(column.reduce((s, v) => s + v, 0));
  }
  return { values, summed };
}

describe('midpointCheckedConductance', () => {
  it('equals the Stieltjes sum over the fine ends, the coarse nodes and their midpoints, without a tensor leak', async () => {
    const model = tinyConvNet(3);
    const x = images(4);
    const fine = pathAlphas('gausslegendre', 51);
    const coarse = [...pathAlphas('gausslegendre', CHECK + 1)];
    const partition = [fine[0]!, ...coarse.flatMap((a, k) => (k + 1 < coarse.length ? [a, (a + coarse[k + 1]!) / 2] : [a])), fine[50]!];
    expect(partition).toHaveLength(2 * CHECK + 3);
    const before = tf.memory().numTensors;
    // Tolerance 0: every instance fails the coarse check and is refined.
    const refined = (await midpointCheckedConductance(model, x, { layers: LAYERS, steps: CHECK }, fine, 0))!;
    expect(tf.memory().numTensors).toBe(before);
    expect(refined.refined).toEqual([0, 1, 2, 3]);
    for (let i = 0; i < 4; i++) {
      for (const layer of refined.layers) {
        const reference = stieltjesReference(model, layer.layer, x.subarray(i * PIXELS, (i + 1) * PIXELS), refined.targets[i]!, partition);
        for (let n = 0; n < layer.neurons; n++) {
          expect(layer.values[i * layer.neurons + n]).toBeCloseTo(reference.values[n]!, 5);
          expect(layer.summed[i * layer.neurons + n]).toBeCloseTo(reference.summed[n]!, 5);
        }
      }
    }
    // The residuals reported are those of the refined sums, computed independently.
    const independent = await completenessResiduals(model, x, refined, fine, { relativeTo: 'attribution' });
    refined.residuals.forEach((r, i) => expect(r).toBeCloseTo(independent[i]!, 6));
    model.dispose();
  });

  it('checks in groups as memory allows and refines in passes across instances, with the same result, and declines when one instance does not fit', async () => {
    const model = tinyConvNet(5);
    const x = images(5);
    const fine = pathAlphas('gausslegendre', 51);
    const options = { layers: LAYERS, steps: CHECK };
    const whole = (await midpointCheckedConductance(model, x, options, fine, 0.01))!;
    // conv1 6*6*4 + conv2 3*3*5 + fc6 8 + fc8 3 floats per point, a gradient and an output per point: two instances' worth.
    const instanceBytes = 2 * (CHECK + 1) * (144 + 45 + 8 + 3) * 4;
    // Passes of 5 points split every path, coarse and refined, between passes and put several instances in one.
    const grouped = (await midpointCheckedConductance(model, x, { ...options, batchSize: 5 }, fine, 0.01, 2 * instanceBytes))!;
    expect(whole.refined.length).toBeGreaterThan(1);
    expect(grouped.refined).toEqual(whole.refined);
    grouped.layers.forEach((layer, l) => layer.values.forEach((v, j) => expect(v).toBeCloseTo(whole.layers[l]!.values[j]!, 6)));
    expect(await midpointCheckedConductance(model, x, options, fine, 0.01, instanceBytes - 1)).toBeNull();
    model.dispose();
  });
});

describe("checkedConductance with rule 'refine'", () => {
  it('keeps complete coarse paths, refines the others at the midpoints, and gives plain 50 steps to a path still incomplete', async () => {
    const model = tinyConvNet(13);
    const x = images(12);
    const plain = await layerConductance(model, x, { layers: LAYERS, steps: 50 });
    const options = { layers: LAYERS, steps: 50, checkSteps: CHECK, targets: plain.targets } as const;
    const before = tf.memory().numTensors;
    const tolerance = 0.05;
    const coarse = await checkedConductance(model, x, { ...options, tolerance: Infinity });
    const redo = await checkedConductance(model, x, { ...options, tolerance });
    const refine = await checkedConductance(model, x, { ...options, tolerance, rule: 'refine' });
    expect(tf.memory().numTensors).toBe(before);
    // The fixture exercises both sides of the check, and refinement completes some failing paths without a redo.
    expect(refine.schedule).toMatchObject({ steps: 50, checkSteps: CHECK, tolerance, instances: 12, rule: 'refine' });
    expect(refine.schedule.refined).toBe(redo.schedule.refined);
    expect(refine.schedule.refined).toBeGreaterThan(0);
    expect(refine.schedule.refined).toBeLessThan(12);
    expect(refine.schedule.redone).toBeGreaterThan(0);
    expect(refine.schedule.redone).toBeLessThan(refine.schedule.refined);
    const kept = await completenessResiduals(model, x, refine, pathAlphas('gausslegendre', 51), { relativeTo: 'attribution' });
    const plainResiduals = await completenessResiduals(model, x, plain, plain.alphas, { relativeTo: 'attribution' });
    let redone = 0;
    kept.forEach((r, i) => {
      expect(refine.residuals[i]).toBeCloseTo(r, 6);
      if (r > tolerance) {
        // Past the tolerance only as plain 50 steps are.
        expect(r).toBeCloseTo(plainResiduals[i]!, 6);
        redone++;
      }
      if (coarse.residuals[i]! <= tolerance) {
        // Passing the coarse check: the coarse result, under either rule.
        refine.layers.forEach((layer, l) => expect(layer.values[i * layer.neurons]).toBeCloseTo(redo.layers[l]!.values[i * layer.neurons]!, 6));
      }
    });
    expect(refine.schedule.redone).toBeGreaterThanOrEqual(redone);

    // Tolerance 0: refined, still incomplete, then plain 50 steps everywhere.
    const strict = await checkedConductance(model, x, { ...options, tolerance: 0, rule: 'refine' });
    expect(strict.schedule).toMatchObject({ refined: 12, redone: 12 });
    strict.layers.forEach((layer, l) => layer.values.forEach((v, j) => expect(v).toBeCloseTo(plain.layers[l]!.values[j]!, 5)));
    model.dispose();
  });
});
