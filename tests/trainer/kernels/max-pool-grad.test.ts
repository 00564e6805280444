import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { maxPoolGradConfig } from '../../../trainer/kernels/max-pool-grad.ts';
import { prepareBackends, seededValues, wasmVsCpu } from './compare-backends.ts';

interface PoolCase {
  shape: [number, number, number, number];
  size: number;
  stride: number;
  pad: 'same' | 'valid';
}

/** dL/dx through tf.maxPool; `values` decides the ties. */
function poolGradient(c: PoolCase, values: Float32Array): () => tf.Tensor[] {
  return () => {
    const x = tf.tensor4d(values, c.shape);
    const grad = tf.grad((a: tf.Tensor) => {
      const y = tf.maxPool(a as tf.Tensor4D, c.size, c.stride, c.pad);
      return tf.sum(tf.mul(y, tf.tensor(seededValues(y.size, 5), y.shape)));
    })(x);
    x.dispose();
    return [grad];
  };
}

const cases: PoolCase[] = [];
for (const [size, stride] of [
  [2, 2],
  [3, 2],
  [3, 1],
  [2, 3],
  [5, 3],
] as const) {
  for (const pad of ['same', 'valid'] as const) {
    for (const batch of [1, 2]) {
      cases.push({ shape: [batch, 11, 9, 3], size, stride, pad });
    }
  }
}

const size = (c: PoolCase) => c.shape.reduce((a, b) => a * b, 1);

beforeAll(prepareBackends);

describe('wasm MaxPoolGrad', () => {
  it('is our kernel after registration', () => {
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).toBe(maxPoolGradConfig);
  });

  it.each(cases)('matches cpu on distinct values: pool $size, stride $stride, pad $pad, shape $shape', async (c) => {
    expect(await wasmVsCpu(poolGradient(c, seededValues(size(c), 4)))).toBeLessThan(1e-5);
  });

  it.each(cases)('routes ties to the same element as cpu: pool $size, stride $stride, pad $pad', async (c) => {
    // Few distinct values, zeros (as after relu), negatives and -Infinity make most windows tie.
    const tied = seededValues(size(c), 6).map((v, i) => (i % 17 === 0 ? -Infinity : Math.max(-1, Math.round(v * 2))));
    expect(await wasmVsCpu(poolGradient(c, tied))).toBeLessThan(1e-5);
  });

  it('routes an all-negative window to its maximum (the stock wasm kernel picked the first element)', async () => {
    await tf.setBackend('wasm');
    const dx = tf.tidy(() => {
      const x = tf.tensor4d([-3, -1, -2, -5], [1, 2, 2, 1]);
      return tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid')))(x);
    });
    expect(Array.from(await dx.data())).toEqual([0, 1, 0, 0]);
    dx.dispose();
  });

  it('passes no gradient through windows that are all -Infinity, as cpu does', async () => {
    const c: PoolCase = { shape: [1, 4, 4, 1], size: 2, stride: 2, pad: 'valid' };
    const values = new Float32Array(16).fill(-Infinity);
    values[15] = 3;
    expect(await wasmVsCpu(poolGradient(c, values))).toBe(0);
  });
});
