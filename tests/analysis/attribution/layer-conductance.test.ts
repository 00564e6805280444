import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAlexNet } from '../../../trainer/alexnet.ts';
import { pathAlphas } from '../../../analysis/attribution/integration-path.ts';
import { layerConductance, type ConductanceResult } from '../../../analysis/attribution/layer-conductance.ts';

// AlexNet's eight layers, spelled out: attribution has no default layer list.
const ALEXNET_LAYER_NAMES = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8'];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// fc6 (3 -> 4, ReLU), fc7 (4 -> 3, ReLU), fc8 (3 -> 2): biases make units switch on part-way along the path,
// so the gradient wrt fc6 changes along it and the reference integral is not a single product.
const W6 = [
  [1, -0.5, 0.3, 0.8],
  [-0.7, 0.9, 0.4, -0.2],
  [0.2, 0.6, -1, 0.5],
];
const B6 = [-0.3, 0.1, 0.2, -0.4];
const W7 = [
  [0.6, -0.4, 0.9],
  [0.8, 0.7, -0.3],
  [-0.5, 0.6, 0.4],
  [0.3, -0.9, 0.7],
];
const B7 = [-0.2, 0.1, -0.35];
const W8 = [
  [1.2, -0.6],
  [-0.8, 0.9],
  [0.5, 1.1],
];
const B8 = [0.05, -0.1];

function tinyDenseNet(): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ name: 'fc6', inputShape: [3], units: 4, activation: 'relu' }));
  model.add(tfl.layers.dense({ name: 'fc7', units: 3, activation: 'relu' }));
  model.add(tfl.layers.dropout({ name: 'drop7', rate: 0.5 }));
  model.add(tfl.layers.dense({ name: 'fc8', units: 2 }));
  const set = (name: string, w: number[][], b: number[]) => model.getLayer(name).setWeights([tf.tensor2d(w), tf.tensor1d(b)]);
  set('fc6', W6, B6);
  set('fc7', W7, B7);
  set('fc8', W8, B8);
  return model;
}

const relu = (v: number) => Math.max(0, v);
const affine = (x: number[], w: number[][], b: number[]) => b.map((bj, j) => bj + x.reduce((s, xi, i) => s + xi * w[i]![j]!, 0));

/** The path integral of dF/dh * dh/dalpha for every hidden unit, by the midpoint rule with many steps. */
function referenceConductance(x: number[], target: number, steps = 20_000): { fc6: number[]; fc7: number[] } {
  const fc6 = [0, 0, 0, 0];
  const fc7 = [0, 0, 0];
  const dz6 = affine(x, W6, [0, 0, 0, 0]); // d z6 / d alpha on the path alpha * x
  for (let k = 0; k < steps; k++) {
    const a = (k + 0.5) / steps;
    const z6 = affine(
      x.map((v) => a * v),
      W6,
      B6,
    );
    const h6 = z6.map(relu);
    const z7 = affine(h6, W7, B7);
    const dh6 = z6.map((z, j) => (z > 0 ? dz6[j]! : 0));
    const dh7 = z7.map((z, m) => (z > 0 ? dh6.reduce((s, d, j) => s + d * W7[j]![m]!, 0) : 0));
    const dFdh7 = W8.map((row) => row[target]!);
    const dFdh6 = W7.map((row) => row.reduce((s, w, m) => s + (z7[m]! > 0 ? w * dFdh7[m]! : 0), 0));
    dh6.forEach((d, j) => (fc6[j]! += (dFdh6[j]! * d) / steps));
    dh7.forEach((d, m) => (fc7[m]! += (dFdh7[m]! * d) / steps));
  }
  return { fc6, fc7 };
}

function row(result: ConductanceResult, layer: string, instance: number, field: 'values' | 'summed' = 'values'): number[] {
  const l = result.layers.find((r) => r.layer === layer)!;
  return [...l[field].subarray(instance * l.neurons, (instance + 1) * l.neurons)];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** conv1, pool1, conv2, flatten, fc6, drop6, fc8 on 6x6x3 inputs; with `biased` false it is positively homogeneous. */
function tinyConvNet(seed: number, biased = true): tfl.Sequential {
  const model = tfl.sequential();
  const kernel = (s: number) => tfl.initializers.heNormal({ seed: s });
  const bias = (s: number) => (biased ? tfl.initializers.randomNormal({ mean: 0, stddev: 0.2, seed: s }) : tfl.initializers.zeros());
  model.add(
    tfl.layers.conv2d({
      name: 'conv1',
      inputShape: [6, 6, 3],
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: kernel(seed),
      biasInitializer: bias(seed + 1),
    }),
  );
  model.add(tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2, strides: 2 }));
  model.add(
    tfl.layers.conv2d({
      name: 'conv2',
      filters: 5,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: kernel(seed + 2),
      biasInitializer: bias(seed + 3),
    }),
  );
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(tfl.layers.dense({ name: 'fc6', units: 8, activation: 'relu', kernelInitializer: kernel(seed + 4), biasInitializer: bias(seed + 5) }));
  model.add(tfl.layers.dropout({ name: 'drop6', rate: 0.5 }));
  model.add(tfl.layers.dense({ name: 'fc8', units: 3, kernelInitializer: kernel(seed + 6) }));
  return model;
}

const CONV_LAYERS = ['conv1', 'conv2', 'fc6', 'fc8'];
const seededImages = (count: number, pixels: number) => Float32Array.from({ length: count * pixels }, (_, i) => (Math.sin(i * 0.73 + 0.4) + 1) / 2);

describe('layerConductance', () => {
  it('matches the path integral computed by brute force on a small dense network', async () => {
    const model = tinyDenseNet();
    const inputs = [
      [1.5, -0.5, 1],
      [0.3, 1.2, -0.8],
    ];
    const targets = [0, 1];
    const before = tf.memory().numTensors;
    const coarse = await layerConductance(model, Float32Array.from(inputs.flat()), { targets, layers: ['fc6', 'fc7'] });
    const fine = await layerConductance(model, Float32Array.from(inputs.flat()), {
      targets,
      layers: ['fc6', 'fc7'],
      steps: 2000,
      method: 'riemann_trapezoid',
      batchSize: 512,
    });
    expect(tf.memory().numTensors).toBe(before);
    inputs.forEach((x, i) => {
      const reference = referenceConductance(x, targets[i]!);
      for (const layer of ['fc6', 'fc7'] as const) {
        // A ReLU switching inside a step costs O(1/m) (the sum uses the gradient from before the kink):
        // about 0.02 here at m = 50, on conductances up to 1.8.
        row(coarse, layer, i).forEach((v, j) => expect(Math.abs(v - reference[layer][j]!)).toBeLessThan(0.04));
        row(fine, layer, i).forEach((v, j) => expect(Math.abs(v - reference[layer][j]!)).toBeLessThan(5e-4));
      }
    });
  });

  it('is complete: every layer sums to F(x) - F(baseline), all layers from one pass', async () => {
    const images = seededImages(3, 6 * 6 * 3);
    const [homogeneous, biased] = [tinyConvNet(3, false), tinyConvNet(3)];
    const before = tf.memory().numTensors;
    // Without biases no ReLU or max-pool switches along alpha * x, so every step is exact and the sums
    // telescope to F(a_m x) - F(a_0 x) = (a_m - a_0) F(x): Gauss-Legendre's nodes stop short of 0 and 1.
    const exact = await layerConductance(homogeneous, images, { layers: CONV_LAYERS, batchSize: 40 });
    const span = exact.alphas[50]! - exact.alphas[0]!;
    // With biases, units and max-pool winners switch along the path; each switch inside a step costs
    // O(1/m) (errors up to 6% of F(x) - F(x') at m = 50 on this net), so this check takes more steps.
    const kinked = await layerConductance(biased, images, { layers: CONV_LAYERS, steps: 400, batchSize: 401 });
    expect(tf.memory().numTensors).toBe(before);
    expect(exact.layers.map((l) => [l.layer, l.neurons, l.positions])).toEqual([
      ['conv1', 4, 36],
      ['conv2', 5, 9],
      ['fc6', 8, 1],
      ['fc8', 3, 1],
    ]);
    for (let i = 0; i < 3; i++) {
      const delta = exact.logitAtInput[i]! - exact.logitAtBaseline[i]!;
      const kinkedDelta = kinked.logitAtInput[i]! - kinked.logitAtBaseline[i]!;
      expect(Math.abs(delta)).toBeGreaterThan(0.05);
      for (const layer of CONV_LAYERS) {
        expect(sum(row(exact, layer, i, 'summed'))).toBeCloseTo(span * delta, 5);
        expect(Math.abs(sum(row(kinked, layer, i, 'summed')) - kinkedDelta)).toBeLessThan(0.05 * Math.abs(kinkedDelta) + 0.002);
      }
    }
    // Dense units have no map: the paper's value and the sum are the same number.
    expect(row(kinked, 'fc6', 1)).toEqual(row(kinked, 'fc6', 1, 'summed'));
  });

  it("at the paper's 50 steps, agrees with a 50-step run per layer and is complete within 1%, whatever the chunking", async () => {
    const images = seededImages(4, 6 * 6 * 3);
    const [model, unbiased] = [tinyConvNet(7), tinyConvNet(7, false)];
    const before = tf.memory().numTensors;
    // 23 path points per pass: paths split across chunks of two sizes, so reused zero probes of both sizes are exercised.
    const all = await layerConductance(model, images, { layers: CONV_LAYERS, steps: 50, batchSize: 23 });
    for (const layer of CONV_LAYERS) {
      const alone = await layerConductance(model, images, { layers: [layer], steps: 50, targets: all.targets });
      for (let i = 0; i < 4; i++) {
        row(alone, layer, i, 'summed').forEach((v, j) => expect(row(all, layer, i, 'summed')[j]).toBeCloseTo(v, 5));
      }
    }
    const homogeneous = await layerConductance(unbiased, images, { layers: CONV_LAYERS, steps: 50, batchSize: 23 });
    const span = homogeneous.alphas[50]! - homogeneous.alphas[0]!;
    for (let i = 0; i < 4; i++) {
      const delta = span * (homogeneous.logitAtInput[i]! - homogeneous.logitAtBaseline[i]!);
      for (const layer of CONV_LAYERS) {
        expect(Math.abs(sum(row(homogeneous, layer, i, 'summed')) - delta)).toBeLessThan(0.01 * Math.abs(delta));
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives, per layer, what one Captum-style pass per layer gives, and the spatial max per channel', async () => {
    const model = tinyConvNet(5);
    const image = seededImages(1, 6 * 6 * 3);
    const steps = 12;
    const all = await layerConductance(model, image, { layers: CONV_LAYERS, steps, targets: [2], batchSize: 5 });
    const conv2Only = await layerConductance(model, image, { layers: ['conv2'], steps, targets: [2] });
    row(conv2Only, 'conv2', 0).forEach((v, j) => expect(v).toBeCloseTo(row(all, 'conv2', 0)[j]!, 5));

    // Captum's formula for conv1 with a separate forward and gradient per path point, no probes.
    const alphas = pathAlphas('gausslegendre', steps + 1);
    const [conv1, ...rest] = model.layers;
    const points = [...alphas].map((a) =>
      tf.tidy(() => {
        const x = tf.mul(tf.tensor4d(image, [1, 6, 6, 3]), a);
        const y = conv1!.apply(x) as tf.Tensor;
        const head = (h: tf.Tensor) =>
          tf.sum(
            tf.slice(
              rest.reduce((t, l) => l.apply(t, { training: false }) as tf.Tensor, h),
              [0, 2],
              [1, 1],
            ),
          ) as tf.Scalar;
        return { y: y.dataSync().slice(), g: tf.grad(head)(y).dataSync().slice() };
      }),
    );
    const map = new Float64Array(36 * 4);
    for (let k = 0; k < steps; k++) {
      map.forEach((_, d) => (map[d]! += points[k]!.g[d]! * (points[k + 1]!.y[d]! - points[k]!.y[d]!)));
    }
    const channelMax = [0, 1, 2, 3].map((c) => Math.max(...Array.from({ length: 36 }, (_, p) => map[p * 4 + c]!)));
    const channelSum = [0, 1, 2, 3].map((c) => sum(Array.from({ length: 36 }, (_, p) => map[p * 4 + c]!)));
    row(all, 'conv1', 0).forEach((v, c) => expect(v).toBeCloseTo(channelMax[c]!, 5));
    row(all, 'conv1', 0, 'summed').forEach((v, c) => expect(v).toBeCloseTo(channelSum[c]!, 5));
  });

  it('attributes the predicted class by default and rejects inputs it cannot use', async () => {
    const model = tinyConvNet(7);
    const images = seededImages(2, 6 * 6 * 3);
    const result = await layerConductance(model, images, { layers: ['fc8'], steps: 4 });
    const logits = tf.tidy(() => (model.predict(tf.tensor4d(images, [2, 6, 6, 3])) as tf.Tensor).arraySync() as number[][]);
    expect([...result.targets]).toEqual(logits.map((l) => l.indexOf(Math.max(...l))));
    await expect(layerConductance(model, images.subarray(1), { layers: ['fc8'] })).rejects.toThrow(/whole number of 108-float images/);
    await expect(layerConductance(model, images, { layers: ['fc8'], targets: [0, 3] })).rejects.toThrow(/not a class/);
    await expect(layerConductance(model, images, { layers: ['conv9'] })).rejects.toThrow(/no layer named conv9/);
    const empty = await layerConductance(model, new Float32Array(0), { layers: ['fc6'] });
    expect(empty.layers[0]!.values.length).toBe(0);
  });

  it('covers the eight AlexNet layers without leaking tensors', async () => {
    const model = buildAlexNet({ variant: 'alexnet-32', classCount: 10, seed: 1 });
    const image = seededImages(1, 32 * 32 * 3);
    const before = tf.memory().numTensors;
    const result = await layerConductance(model, image, { steps: 4, method: 'riemann_trapezoid', layers: ALEXNET_LAYER_NAMES });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.layers.map((l) => `${l.layer}:${l.neurons}`)).toEqual([
      'conv1:32',
      'conv2:64',
      'conv3:96',
      'conv4:96',
      'conv5:64',
      'fc6:256',
      'fc7:128',
      'fc8:10',
    ]);
    const delta = result.logitAtInput[0]! - result.logitAtBaseline[0]!;
    // fc8 is linear in its own output, so its sum is exact with the trapezoid's end points 0 and 1.
    expect(sum(row(result, 'fc8', 0, 'summed'))).toBeCloseTo(delta, 4);
  });
});
