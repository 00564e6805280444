import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, test } from 'vitest';
import { projectionMap } from '../../analysis/jobs/projection-map.ts';
import { classRgb } from '../../core/class-palette.ts';
import type { VisualisationModel } from '../../lib/dvi/index.ts';
import { decodePng } from '../helpers/png-pixels.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

test("the stored map draws each class in the product's class palette", async () => {
  // An identity decoder into 2-D rows, and a classifier sure of class 2 left of x = 0 and of class 0 right of it.
  const model: VisualisationModel = {
    dimensions: 2,
    hidden: [],
    center: new Float32Array(2),
    scale: 1,
    encoder: [{ inputs: 2, outputs: 2, kernel: Float32Array.of(1, 0, 0, 1), bias: new Float32Array(2) }],
    decoder: [{ inputs: 2, outputs: 2, kernel: Float32Array.of(1, 0, 0, 1), bias: new Float32Array(2) }],
  };
  const classify = (rows: Float32Array, n: number): Promise<Float32Array> => {
    const out = new Float32Array(3 * n);
    for (let r = 0; r < n; r++) {
      out[3 * r + (rows[2 * r]! < 0 ? 2 : 0)] = 1;
    }
    return Promise.resolve(out);
  };
  const layout = Float32Array.of(-1, -1, 1, 1);
  const { view, png } = await projectionMap(layout, model, classify, 3, 4);
  expect(view.resolution).toBe(4);
  const { rgb } = await decodePng(png);
  const at = (column: number, row: number) => [...rgb.subarray(3 * (row * 4 + column), 3 * (row * 4 + column) + 3)];
  expect(at(0, 0)).toEqual([...classRgb(2, 3)]);
  expect(at(3, 3)).toEqual([...classRgb(0, 3)]);
});
