// layerConductance on the wasm backend (the one the product runs) reads every layer's maps as views of the wasm
// heap instead of copies; it must give what the cpu backend gives, through chunks that split paths.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerConductance } from '../../../analysis/attribution/layer-conductance.ts';
import { graphImages, smallResidualModel, smallSeparableModel, weightedLayers } from '../../helpers/small-graph-models.ts';
import { backendDataIds, prepareBackends } from '../../trainer/kernels/compare-backends.ts';

beforeAll(async () => {
  await prepareBackends();
});

/** max |actual - expected| / max |expected|. */
function worstRelative(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1e-6, ...expected.map(Math.abs));
  return Math.max(...actual.map((v, i) => Math.abs(v - expected[i]!))) / scale;
}

describe.each([
  { name: 'residual', build: () => smallResidualModel(7) },
  { name: 'depthwise-separable', build: () => smallSeparableModel(8) },
])('layerConductance on wasm, $name graph', ({ build }) => {
  // Without the stem, the first attributed layer is one a shortcut or a concatenation bypasses: the backward pass then
  // runs to the input instead of ending at a probe on the first layer.
  it.each([
    { which: 'every weighted layer', pick: (names: string[]) => names },
    { which: 'all but the stem', pick: (names: string[]) => names.slice(1) },
  ])('equals the cpu backend for $which, with paths split over passes, and frees what it made', async ({ pick }) => {
    const model = build();
    const layers = pick(weightedLayers(model));
    const images = graphImages(2, 1.3);
    // 9 path points per instance in passes of 7: both instances' paths are cut between passes.
    const options = { layers, steps: 8, batchSize: 7 };
    await tf.setBackend('cpu');
    const cpu = await layerConductance(model, images, options);
    await tf.setBackend('wasm');
    // The weights move to the wasm backend when first read; that is not the run's own memory.
    tf.tidy(() => model.predict(tf.zeros([1, 16, 16, 3])));
    const tensorsBefore = tf.memory().numTensors;
    const idsBefore = backendDataIds();
    const wasm = await layerConductance(model, images, { ...options, targets: cpu.targets });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(backendDataIds()).toBe(idsBefore);
    expect(wasm.layers.map((l) => l.layer)).toEqual(cpu.layers.map((l) => l.layer));
    wasm.layers.forEach((layer, l) => {
      expect(layer.summed.some((v) => v !== 0)).toBe(true);
      expect(worstRelative(layer.values, cpu.layers[l]!.values)).toBeLessThan(1e-4);
      expect(worstRelative(layer.summed, cpu.layers[l]!.summed)).toBeLessThan(1e-4);
    });
    model.dispose();
  });
});
