import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAlexNet } from '../../trainer/alexnet.ts';
import { selectBackend } from '../../trainer/backend.ts';
import { validateConfig } from '../../trainer/config.ts';
import { makePhaseOptimizer } from '../../trainer/layer-optimizers.ts';
import { readLayerWeights } from '../../trainer/layer-weights.ts';

const phase = (target: Record<string, unknown>) => validateConfig({
  name: 'x', source: { kind: 'mnist', count: 20 }, target: { kind: 'mnist', count: 20 },
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
      const same = Buffer.from(layer.kernel.buffer).equals(Buffer.from(before[i]!.kernel.buffer)) && Buffer.from(layer.bias.buffer).equals(Buffer.from(before[i]!.bias.buffer));
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
