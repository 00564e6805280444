import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { backendDataIds, prepareBackends, runOn, seededValues } from './compare-backends.ts';

beforeAll(prepareBackends);

describe('Cast on wasm', () => {
  it('aliases a float32 -> float32 cast: same values, no new backend data, alive after its input is freed', async () => {
    await tf.setBackend('wasm');
    const values = seededValues(6 * 5, 3);
    const x = tf.tensor2d(values, [6, 5]);
    const ids = backendDataIds();
    const y = tf.cast(x, 'float32');
    expect(backendDataIds()).toBe(ids);
    x.dispose();
    expect(y.shape).toEqual([6, 5]);
    expect(Array.from(await y.data())).toEqual(Array.from(values));
    y.dispose();
    expect(backendDataIds()).toBe(ids - 1);
  });

  it('converts between dtypes as the cpu backend does, bool as x != 0', async () => {
    const compute = () => {
      const x = tf.tensor1d(Float32Array.from([-2.7, -0.5, 0, 0.4, 1.9, 3]));
      return [tf.cast(tf.cast(x, 'int32'), 'float32'), tf.cast(tf.cast(x, 'bool'), 'float32'), tf.cast(tf.step(x), 'float32')];
    };
    const cpu = await runOn('cpu', compute);
    const wasm = await runOn('wasm', compute);
    wasm.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(cpu[i]!)));
    expect(Array.from(cpu[0]!)).toEqual([-2, 0, 0, 0, 1, 3]);
    expect(Array.from(cpu[1]!)).toEqual([1, 1, 0, 1, 1, 1]);
  });
});
