import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { buildMobileNet32 } from '../../../trainer/models/mobilenet-32.ts';
import { prepareBackends } from '../kernels/compare-backends.ts';
import { CLASS_COUNT, itTrainsOnWasm } from './model-checks.ts';

beforeAll(prepareBackends);

describe('buildMobileNet32', () => {
  it('maps 32x32x3 images to one logit per class, with about 0.2M parameters', async () => {
    await tf.setBackend('wasm');
    const model = buildMobileNet32({ classCount: 10, seed: 1 });
    const logits = tf.tidy(() => model.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor);
    expect(logits.shape).toEqual([2, 10]);
    expect(model.countParams()).toBeGreaterThan(190_000);
    expect(model.countParams()).toBeLessThan(230_000);
    tf.dispose(logits);
    model.dispose();
  });

  it('alternates named depthwise and pointwise convolutions, halving the map in blocks 2, 4 and 6', () => {
    const model = buildMobileNet32({ classCount: 10, seed: 1 });
    const convs = model.layers.filter((l) => ['Conv2D', 'DepthwiseConv2D'].includes(l.getClassName())).map((l) => l.name);
    const blocks = [1, 2, 3, 4, 5, 6].flatMap((b) => [`block${b}_depthwise`, `block${b}_pointwise`]);
    expect(convs).toEqual(['stem_conv', ...blocks]);
    const sizes = [1, 2, 3, 4, 5, 6].map((b) => (model.getLayer(`block${b}_pointwise_relu`).outputShape as number[])[1]);
    expect(sizes).toEqual([32, 16, 16, 8, 8, 4]);
    expect(model.getLayer('block6_pointwise').outputShape).toEqual([null, 4, 4, 256]);
    expect(model.getLayer('fc').outputShape).toEqual([null, 10]);
    model.dispose();
  });

  itTrainsOnWasm((seed) => buildMobileNet32({ classCount: CLASS_COUNT, seed }));
});
