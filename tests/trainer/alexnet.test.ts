import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ALEXNET_LAYERS, buildAlexNet } from '../../trainer/alexnet.ts';
import { readLayerWeights } from '../../trainer/layer-weights.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('AlexNet', () => {
  it('has the eight named layers of the paper and outputs one logit per class (scaled variant)', () => {
    const model = buildAlexNet({ variant: 'alexnet-32', classCount: 10, seed: 1 });
    const weighted = model.layers.filter((l) => l.getWeights().length > 0).map((l) => l.name);
    expect(weighted).toEqual([...ALEXNET_LAYERS]);
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    const weights = readLayerWeights(model);
    expect(weights.map((w) => w.kernelShape)).toEqual([
      [5, 5, 3, 32],
      [3, 3, 32, 64],
      [3, 3, 64, 96],
      [3, 3, 96, 96],
      [3, 3, 96, 64],
      [1024, 256],
      [256, 128],
      [128, 10],
    ]);
    model.dispose();
  });

  it('builds the original 227x227 topology with the same layer names', () => {
    const model = buildAlexNet({ variant: 'alexnet-227', classCount: 31, seed: 1 });
    expect(model.inputs[0]!.shape).toEqual([null, 227, 227, 3]);
    expect(model.getLayer('conv1').getWeights()[0]!.shape).toEqual([11, 11, 3, 96]);
    expect(model.getLayer('fc6').getWeights()[0]!.shape).toEqual([6 * 6 * 256, 4096]);
    expect(model.getLayer('fc8').getWeights()[0]!.shape).toEqual([4096, 31]);
    model.dispose();
  });

  it('is deterministic for a seed', () => {
    const a = readLayerWeights(buildAlexNet({ variant: 'alexnet-32', classCount: 10, seed: 5 }));
    const b = readLayerWeights(buildAlexNet({ variant: 'alexnet-32', classCount: 10, seed: 5 }));
    const c = readLayerWeights(buildAlexNet({ variant: 'alexnet-32', classCount: 10, seed: 6 }));
    expect(a[2]!.kernel).toEqual(b[2]!.kernel);
    expect(a[2]!.kernel).not.toEqual(c[2]!.kernel);
  });
});
