import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { prepareBackends, seededValues, wasmVsCpu } from './compare-backends.ts';

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

beforeAll(prepareBackends);

describe('wasm Sum wrapper', () => {
  const sums: [number[], number[], boolean][] = [
    [[64, 16, 16, 8], [0, 1, 2], false], // a conv bias gradient: the pooled path
    [[64, 16, 16, 8], [2, 0, 1], true], // same axes, unordered, keepDims
    [[300, 7], [0], false], // a dense bias gradient
    [[5, 4, 3], [0], false], // too few rows: the backend's own Sum
    [[6, 5, 4], [1, 2], false], // trailing axes: the backend's own Sum
    [[6, 5, 4], [0, 1, 2], false], // everything: the backend's own Sum
    [[70, 3], [-2], false], // negative axis
    [[101, 8192], [0], false], // the widest pooled sum
    [[101, 16384], [0], false], // wider: XNNPACK's pool read out of bounds here, so the backend's own Sum
  ];

  it.each(sums)('matches cpu for shape %j over axes %j (keepDims %s)', async (shape, axis, keepDims) => {
    const values = seededValues(product(shape), 8);
    const error = await wasmVsCpu(() => [tf.sum(tf.tensor(values, shape), axis, keepDims)]);
    expect(error).toBeLessThan(1e-5);
  });

  it('keeps the output shape of keepDims', async () => {
    await tf.setBackend('wasm');
    const s = tf.tidy(() => tf.sum(tf.ones([70, 2, 3]), [0, 1], true));
    expect(s.shape).toEqual([1, 1, 3]);
    expect(Array.from(await s.data())).toEqual([140, 140, 140]);
    s.dispose();
  });

  it('sums int32 tensors with the backend kernel', async () => {
    await tf.setBackend('wasm');
    const s = tf.tidy(() => tf.sum(tf.ones([100, 2], 'int32'), 0));
    expect(s.dtype).toBe('int32');
    expect(Array.from(await s.data())).toEqual([100, 100]);
    s.dispose();
  });
});

describe('wasm Mean wrapper', () => {
  const means: [number[], number[], boolean][] = [
    [[64, 16, 16, 8], [0, 1, 2], false], // batch norm moments: the pooled path
    [[64, 16, 16, 8], [0, 1, 2], true], // as tfjs-layers asks for them, keepDims
    [[300, 7], [0], false],
    [[5, 4, 3], [0], false], // too few rows: the backend's own Mean
    [[6, 5, 4], [1, 2], false], // trailing axes (global average pooling): the backend's own Mean
    [[101, 16384], [0], false], // too wide to pool: the backend's own Mean
  ];

  it.each(means)('matches cpu for shape %j over axes %j (keepDims %s)', async (shape, axis, keepDims) => {
    const values = seededValues(product(shape), 14);
    const error = await wasmVsCpu(() => [tf.mean(tf.tensor(values, shape), axis, keepDims)]);
    expect(error).toBeLessThan(1e-5);
  });

  it('means int32 tensors with the backend kernel', async () => {
    await tf.setBackend('wasm');
    const m = tf.tidy(() => tf.mean(tf.fill([100, 2], 3, 'int32'), 0));
    expect(Array.from(await m.data())).toEqual([3, 3]);
    m.dispose();
  });
});

describe('wasm BatchMatMul wrapper', () => {
  const products: [number[], number[], boolean, boolean][] = [
    [[64, 256], [1024, 256], false, true], // fc6 input gradient: swapped orientation
    [[64, 1024], [64, 256], true, false], // fc6 weight gradient
    [[7, 5], [3, 7], true, true],
    [[300, 5], [4, 300], true, true],
    [[5, 9], [9, 2], false, false],
    [[3, 5, 7], [7, 4], false, false], // a's batch folded into rows
    [[3, 5, 7], [1, 4, 7], false, true],
    [[2, 3, 5, 7], [1, 7, 4], false, false],
    [[5, 1, 7], [1, 1, 7, 4], false, false], // broadcast adds a leading axis
    [[2, 5, 7], [2, 7, 4], false, false], // batched b: the backend's own kernel
    [[1, 7, 5], [1, 7, 300], true, false],
  ];

  it.each(products)('matches cpu for %j x %j (transposeA %s, transposeB %s)', async (aShape, bShape, ta, tb) => {
    const a = seededValues(product(aShape), 9);
    const b = seededValues(product(bShape), 10);
    const error = await wasmVsCpu(() => [tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb)]);
    expect(error).toBeLessThan(1e-5);
  });

  it('keeps the broadcast output shape', async () => {
    await tf.setBackend('wasm');
    const c = tf.tidy(() => tf.matMul(tf.ones([5, 1, 7]), tf.ones([1, 1, 4, 7]), false, true));
    expect(c.shape).toEqual([1, 5, 1, 4]);
    c.dispose();
  });

  it('still reports mismatched inner dimensions', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 5])))).toThrow(/inner/);
  });
});
