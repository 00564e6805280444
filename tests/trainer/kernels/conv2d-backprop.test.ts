import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from '../../../trainer/kernels/conv2d-backprop-filter.ts';
import { conv2dBackpropInputConfig } from '../../../trainer/kernels/conv2d-backprop-input.ts';
import { prepareBackends, runOn, seededValues, wasmVsCpu } from './compare-backends.ts';

interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  pad: 'same' | 'valid' | number;
}

/** dL/dx and dL/dW through tf.conv2d for L = sum(conv(x, W) * r), r fixed, so dy is not uniform. */
function convGradients(c: ConvCase): () => tf.Tensor[] {
  const xValues = seededValues(c.batch * c.height * c.width * c.inChannels, 1);
  const wValues = seededValues(c.kernel * c.kernel * c.inChannels * c.outChannels, 2);
  return () => {
    const x = tf.tensor4d(xValues, [c.batch, c.height, c.width, c.inChannels]);
    const w = tf.tensor4d(wValues, [c.kernel, c.kernel, c.inChannels, c.outChannels]);
    const loss = (a: tf.Tensor, b: tf.Tensor) => {
      const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
      return tf.sum(tf.mul(y, tf.tensor(seededValues(y.size, 3), y.shape)));
    };
    const grads = tf.grads(loss)([x, w]);
    tf.dispose([x, w]);
    return grads;
  };
}

const cases: ConvCase[] = [];
for (const stride of [1, 2, 4]) {
  for (const kernel of [1, 3, 5, 11]) {
    for (const pad of ['same', 'valid', 2] as const) {
      for (const batch of [1, 3]) {
        // 16 and 24 output channels exercise the grouped dW path, 5 the single-group one.
        const outChannels = kernel === 3 ? 16 : kernel === 5 ? 24 : 5;
        cases.push({ batch, height: 13 + stride, width: 17, inChannels: 3, outChannels, kernel, stride, pad });
      }
    }
  }
}

beforeAll(prepareBackends);

describe('wasm Conv2DBackpropFilter and Conv2DBackpropInput', () => {
  it('are our kernels after registration', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(conv2dBackpropFilterConfig);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(conv2dBackpropInputConfig);
  });

  it.each(cases)('match cpu gradients: batch $batch, kernel $kernel, stride $stride, pad $pad, $height x $width', async (c) => {
    expect(await wasmVsCpu(convGradients(c))).toBeLessThan(1e-4);
  });

  it('match cpu on wider channels at the scaled AlexNet conv2 shape', async () => {
    const c: ConvCase = { batch: 2, height: 16, width: 16, inChannels: 32, outChannels: 64, kernel: 3, stride: 1, pad: 'same' };
    expect(await wasmVsCpu(convGradients(c))).toBeLessThan(1e-4);
  });

  it('leave no tensors or backend data behind', async () => {
    const c: ConvCase = { batch: 2, height: 9, width: 9, inChannels: 4, outChannels: 16, kernel: 3, stride: 2, pad: 'valid' };
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    // runOn throws if engine tensors or backend data ids leak.
    await runOn('wasm', convGradients(c));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reject NCHW and dilations other than 1 instead of computing wrong numbers', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 5, 5, 2]);
    const dy = tf.zeros([1, 5, 5, 3]);
    const w = tf.zeros([3, 3, 2, 3]);
    const common = { strides: 1, pad: 'same' };
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...common, dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] })).toThrow(/NHWC/);
    expect(() =>
      tf.engine().runKernel(
        'Conv2DBackpropInput',
        { dy, filter: w },
        {
          ...common,
          dataFormat: 'NHWC',
          inputShape: [1, 5, 5, 2],
          dilations: 2,
        },
      ),
    ).toThrow(/dilations/);
    expect(() =>
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x, dy: tf.zeros([1, 4, 4, 3]) },
        {
          ...common,
          dataFormat: 'NHWC',
          filterShape: [3, 3, 2, 3],
        },
      ),
    ).toThrow(/dy of shape/);
    tf.dispose([x, dy, w]);
  });
});
