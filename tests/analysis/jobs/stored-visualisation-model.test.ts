import { describe, expect, it } from 'vitest';
import { base64ToFloat32, float32ToBase64, readVisualisationModel, storeVisualisationModel } from '../../../analysis/jobs/stored-visualisation-model.ts';
import type { VisualisationModel } from '../../../lib/dvi/index.ts';

describe('stored visualisation model', () => {
  it('round-trips Float32 values bit for bit, including ones decimal JSON would round', () => {
    const values = Float32Array.from([0.1, -1e-38, 3.4e38, Math.PI, -0, 1 / 3]);
    // A view into a larger buffer at an odd offset, as Buffer pools hand out.
    const backing = new Float32Array(10);
    backing.set(values, 3);
    const view = backing.subarray(3, 9);
    const back = base64ToFloat32(float32ToBase64(view));
    expect(back).toEqual(values);
    expect(Object.is(back[4], -0)).toBe(true);
  });

  it('refuses text that is not whole Float32 values', () => {
    expect(() => base64ToFloat32(Buffer.from([1, 2, 3]).toString('base64'))).toThrow(/not whole Float32 values/);
  });

  it('round-trips a model through JSON', () => {
    const model: VisualisationModel = {
      dimensions: 3,
      hidden: [2],
      center: Float32Array.from([0.5, -0.25, 1e-7]),
      scale: 0.75,
      encoder: [
        { inputs: 3, outputs: 2, kernel: Float32Array.from([1, 2, 3, 4, 5, 6]), bias: Float32Array.from([0.1, 0.2]) },
        { inputs: 2, outputs: 2, kernel: Float32Array.from([7, 8, 9, 10]), bias: Float32Array.from([0, -1]) },
      ],
      decoder: [
        { inputs: 2, outputs: 2, kernel: Float32Array.from([1, 0, 0, 1]), bias: Float32Array.from([2, 3]) },
        { inputs: 2, outputs: 3, kernel: Float32Array.from([0.3, 0.6, 0.9, 1.2, 1.5, 1.8]), bias: Float32Array.from([1, 1, 1]) },
      ],
    };
    const back = readVisualisationModel(JSON.parse(JSON.stringify(storeVisualisationModel(model))));
    expect(back).toEqual(model);
  });
});
