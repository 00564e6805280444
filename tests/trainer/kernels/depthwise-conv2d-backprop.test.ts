import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { axisTaps, depthwiseConv2dBackpropFilterConfig, depthwiseConv2dBackpropInputConfig } from '../../../trainer/kernels/depthwise-conv2d-backprop.ts';
import { prepareBackends, runOn, seededValues, wasmVsCpu } from './compare-backends.ts';

interface DepthwiseCase {
  batch: number;
  height: number;
  width: number;
  channels: number;
  multiplier: number;
  kernel: number;
  stride: number;
  pad: 'same' | 'valid' | number;
}

/** dL/dx and dL/dW through tf.depthwiseConv2d for L = sum(conv(x, W) * r), r fixed, so dy is not uniform. */
function depthwiseGradients(c: DepthwiseCase): () => tf.Tensor[] {
  const xValues = seededValues(c.batch * c.height * c.width * c.channels, 4);
  const wValues = seededValues(c.kernel * c.kernel * c.channels * c.multiplier, 5);
  return () => {
    const x = tf.tensor4d(xValues, [c.batch, c.height, c.width, c.channels]);
    const w = tf.tensor4d(wValues, [c.kernel, c.kernel, c.channels, c.multiplier]);
    const loss = (a: tf.Tensor, b: tf.Tensor) => {
      const y = tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
      return tf.sum(tf.mul(y, tf.tensor(seededValues(y.size, 6), y.shape)));
    };
    const grads = tf.grads(loss)([x, w]);
    tf.dispose([x, w]);
    return grads;
  };
}

const cases: DepthwiseCase[] = [];
for (const stride of [1, 2]) {
  for (const kernel of [1, 3, 5]) {
    for (const pad of ['same', 'valid', 1] as const) {
      for (const multiplier of [1, 2]) {
        // 13 channels leave a remainder after the 4-wide unrolled loop; odd sizes leave partial windows.
        cases.push({ batch: 2, height: 9 + stride, width: 11, channels: multiplier === 1 ? 13 : 5, multiplier, kernel, stride, pad });
      }
    }
  }
}

beforeAll(prepareBackends);

describe('wasm DepthwiseConv2dNativeBackpropInput and ...BackpropFilter', () => {
  it('are our kernels after registration', () => {
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')).toBe(depthwiseConv2dBackpropInputConfig);
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')).toBe(depthwiseConv2dBackpropFilterConfig);
  });

  it.each(cases)('match cpu gradients: kernel $kernel, stride $stride, pad $pad, multiplier $multiplier, $height x $width', async (c) => {
    expect(await wasmVsCpu(depthwiseGradients(c))).toBeLessThan(1e-4);
  });

  it('match cpu at a MobileNet block shape (a 64-image batch sums 16k products per filter value)', async () => {
    const c: DepthwiseCase = { batch: 64, height: 16, width: 16, channels: 32, multiplier: 1, kernel: 3, stride: 2, pad: 'same' };
    expect(await wasmVsCpu(depthwiseGradients(c))).toBeLessThan(1e-4);
  });

  it('leave no tensors or backend data behind', async () => {
    const c: DepthwiseCase = { batch: 2, height: 7, width: 7, channels: 4, multiplier: 1, kernel: 3, stride: 2, pad: 'same' };
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    // runOn throws if engine tensors or backend data ids leak.
    await runOn('wasm', depthwiseGradients(c));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reject dilations other than 1 and a dy the forward conv cannot produce', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 5, 5, 2]);
    const dy = tf.zeros([1, 5, 5, 2]);
    const w = tf.zeros([3, 3, 2, 1]);
    const common = { strides: 1, pad: 'same' };
    expect(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...common, inputShape: [1, 5, 5, 2], dilations: 2 })).toThrow(
      /dilations/,
    );
    expect(() =>
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy: tf.zeros([1, 4, 4, 2]) }, { ...common, filterShape: [3, 3, 2, 1] }),
    ).toThrow(/dy of shape/);
    tf.dispose([x, dy, w]);
  });
});

describe('axisTaps', () => {
  it('lists only taps that read inside the input, for stride 2 and one pad row', () => {
    // Output 0 reads input rows -1 (padding), 0, 1; output 1 reads 1, 2, 3; output 2 reads 3, 4 (5 is past the end).
    expect(Array.from(axisTaps(3, 5, 3, 2, 1))).toEqual([0, 0, 1, 0, 1, 2, 1, 1, 0, 1, 2, 1, 1, 3, 2, 2, 3, 0, 2, 4, 1]);
  });
});
