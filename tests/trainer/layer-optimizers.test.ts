import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAlexNet } from '../../trainer/alexnet.ts';
import { selectBackend } from '../../trainer/backend.ts';
import { validateConfig } from '../../trainer/config.ts';
import { makePhaseOptimizer } from '../../trainer/layer-optimizers.ts';
import { readLayerWeights } from '../../trainer/layer-weights.ts';

const phase = (target: Record<string, unknown>) =>
  validateConfig({
    name: 'x',
    source: { kind: 'mnist', count: 20 },
    target: { kind: 'mnist', count: 20 },
    phases: { source: { epochs: 1, learningRate: 0.01 }, target: { epochs: 1, learningRate: 0.01, ...target } },
  }).phases.target;

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('makePhaseOptimizer', () => {
  it('leaves the first n layers bit-identical and changes every other one', async () => {
    const model = buildAlexNet({ variant: 'alexnet-32', classCount: 4, seed: 2 });
    const before = readLayerWeights(model);
    const tensors = tf.memory().numTensors;
    const optimizer = makePhaseOptimizer(model, phase({ freezeLayers: 3, learningRates: { fc: 0.05 } }));
    expect(optimizer.plan).toEqual({ frozen: ['conv1', 'conv2', 'conv3'], rates: { conv4: 0.01, conv5: 0.01, fc6: 0.05, fc7: 0.05, fc8: 0.05 } });
    const x = tf.randomUniform([6, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1], 'int32'), 4) as tf.Tensor2D);
    for (let i = 0; i < 2; i++) {
      expect(Number.isFinite(await optimizer.step(x, y))).toBe(true);
    }
    tf.dispose([x, y]);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    const after = readLayerWeights(model);
    after.forEach((layer, i) => {
      const frozen = i < 3;
      const same =
        Buffer.from(layer.kernel.buffer).equals(Buffer.from(before[i]!.kernel.buffer)) &&
        Buffer.from(layer.bias.buffer).equals(Buffer.from(before[i]!.bias.buffer));
      expect([layer.layer, same]).toEqual([layer.layer, frozen]);
    });
    model.dispose();
  });

  it('gives each layer its own rate, its group rate, or the phase rate, in that order', () => {
    const model = buildAlexNet({ variant: 'alexnet-32', classCount: 2, seed: 1 });
    const optimizer = makePhaseOptimizer(model, phase({ learningRates: { conv: 0.001, fc8: 0.1 } }));
    expect(optimizer.plan.rates).toEqual({ conv1: 0.001, conv2: 0.001, conv3: 0.001, conv4: 0.001, conv5: 0.001, fc6: 0.01, fc7: 0.01, fc8: 0.1 });
    optimizer.dispose();
    model.dispose();
  });
});

describe('PhaseOptimizer state', () => {
  it('continues on a copied model exactly as the original optimiser would, without leaking tensors', async () => {
    const settings = phase({ learningRates: { fc: 0.02 } });
    const x = tf.randomUniform([6, 32, 32, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1], 'int32'), 4) as tf.Tensor2D);
    const original = buildAlexNet({ variant: 'alexnet-32', classCount: 4, seed: 5 });
    const first = makePhaseOptimizer(original, settings);
    for (let i = 0; i < 3; i++) {
      await first.step(x, y);
    }
    const state = await first.readState();
    expect(state.map((g) => g.iterations)).toEqual([3, 3]);
    // Two groups (conv at 0.01, fc at 0.02): a first and a second moment for each kernel and bias.
    expect(state.map((g) => g.moments.length)).toEqual([20, 12]);

    const tensors = tf.memory().numTensors;
    // The same build seed (its dropout layers' seeds) with the weights copied over, as a resumed run builds it.
    const copy = buildAlexNet({ variant: 'alexnet-32', classCount: 4, seed: 5 });
    copy.setWeights(original.getWeights());
    const resumed = makePhaseOptimizer(copy, settings);
    await resumed.restoreState(state);
    const losses = [await first.step(x, y), await resumed.step(x, y)];
    expect(losses[1]).toBe(losses[0]);
    const [a, b] = [readLayerWeights(original), readLayerWeights(copy)];
    let largest = 0;
    a.forEach((layer, i) =>
      layer.kernel.forEach((v, j) => {
        largest = Math.max(largest, Math.abs(v - b[i]!.kernel[j]!));
      }),
    );
    // Adam's bias correction is recomputed as beta^(t+1), not multiplied up step by step: equal here (measured 0),
    // and at most float32 rounding after many steps.
    expect(largest).toBeLessThan(1e-6);
    resumed.dispose();
    copy.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    first.dispose();
    original.dispose();
    tf.dispose([x, y]);
  });

  it('refuses a state that does not fit the model', async () => {
    const model = buildAlexNet({ variant: 'alexnet-32', classCount: 4, seed: 5 });
    const optimizer = makePhaseOptimizer(model, phase({}));
    await expect(optimizer.restoreState([])).rejects.toThrow(/0 learning-rate groups stored, 1 configured/);
    await expect(optimizer.restoreState([{ iterations: 1, moments: [{ shape: [1], values: Float32Array.from([0]) }] }])).rejects.toThrow(
      /1 moments stored for 16 variables/,
    );
    optimizer.dispose();
    model.dispose();
  });
});
