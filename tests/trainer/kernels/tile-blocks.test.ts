import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { simplifyTile, tileBlocksConfig } from '../../../trainer/kernels/tile-blocks.ts';
import { prepareBackends, runOn, seededValues, wasmVsCpu } from './compare-backends.ts';

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

beforeAll(prepareBackends);

describe('wasm Tile', () => {
  it('is our kernel after registration', () => {
    expect(tf.getKernel('Tile', 'wasm')).toBe(tileBlocksConfig);
  });

  const tiles: [number[], number[]][] = [
    [
      [1, 1, 1, 16],
      [8, 32, 32, 1],
    ], // the batch norm gradient's 1/sigma: long block copies
    [
      [1, 1, 1, 3],
      [2, 3, 4, 1],
    ], // short rows: element copies
    [
      [3, 4],
      [2, 3],
    ],
    [
      [2, 3, 5],
      [1, 1, 1],
    ], // nothing repeated: one copy
    [
      [2, 1, 3],
      [3, 4, 2],
    ],
    [
      [5, 70],
      [3, 1],
    ], // a 70-value row copied whole
    [[7], [10]],
    [
      [2, 3, 4, 5, 6],
      [2, 1, 2, 1, 2],
    ],
    [
      [1, 2],
      [100, 1],
    ],
  ];

  it.each(tiles)('matches cpu for shape %j tiled %j', async (shape, reps) => {
    const values = seededValues(product(shape), 13);
    expect(await wasmVsCpu(() => [tf.tile(tf.tensor(values, shape), reps)])).toBe(0);
  });

  it('tiles int32 and bool tensors exactly', async () => {
    const [ints, bools] = await runOn('wasm', () => [
      tf.tile(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), [2, 2]),
      tf.cast(tf.tile(tf.tensor1d([true, false], 'bool'), [3]), 'float32'),
    ]);
    expect(Array.from(ints!)).toEqual([1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4]);
    expect(Array.from(bools!)).toEqual([1, 0, 1, 0, 1, 0]);
  });

  it('returns an empty tensor for a zero repetition', async () => {
    await tf.setBackend('wasm');
    const t = tf.tidy(() => tf.tile(tf.ones([2, 3]), [0, 2]));
    expect(t.shape).toEqual([0, 6]);
    t.dispose();
  });
});

describe('simplifyTile', () => {
  it('merges axes that are not repeated into the axis before them and drops size-1 axes', () => {
    expect(simplifyTile([1, 1, 1, 16], [64, 32, 32, 1])).toEqual({ shape: [1, 1, 16], reps: [64, 32, 32] });
    expect(simplifyTile([2, 3, 5], [1, 1, 1])).toEqual({ shape: [30], reps: [1] });
    expect(simplifyTile([4, 1, 3, 5], [2, 1, 1, 3])).toEqual({ shape: [12, 5], reps: [2, 3] });
    expect(simplifyTile([1, 1], [1, 1])).toEqual({ shape: [1], reps: [1] });
  });
});
