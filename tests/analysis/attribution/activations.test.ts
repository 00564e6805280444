import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerActivations } from '../../../analysis/attribution/activations.ts';
import { GRAPH_INPUT_SHAPE, graphImages, smallResidualModel, smallSeparableModel, weightedLayers } from '../../helpers/small-graph-models.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function tinyConvNet(): tfl.Sequential {
  const model = tfl.sequential();
  const kernel = (seed: number) => tfl.initializers.heNormal({ seed });
  const bias = (seed: number) => tfl.initializers.randomNormal({ mean: 0, stddev: 0.2, seed });
  model.add(
    tfl.layers.conv2d({
      name: 'conv1',
      inputShape: [6, 6, 3],
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: kernel(1),
      biasInitializer: bias(2),
    }),
  );
  model.add(tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2, strides: 2 }));
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(tfl.layers.dense({ name: 'fc6', units: 5, activation: 'relu', kernelInitializer: kernel(3), biasInitializer: bias(4) }));
  model.add(tfl.layers.dropout({ name: 'drop6', rate: 0.5 }));
  model.add(tfl.layers.dense({ name: 'fc8', units: 3, kernelInitializer: kernel(5) }));
  return model;
}

const images = Float32Array.from({ length: 5 * 108 }, (_, i) => (Math.cos(i * 1.31) + 1) / 2);

describe('layerActivations', () => {
  const model = tinyConvNet();

  it('pools each channel map to its max or mean and keeps the raw maps on request', async () => {
    const before = tf.memory().numTensors;
    const max = await layerActivations(model, images, { layers: ['conv1', 'fc6'], raw: true, batchSize: 2 });
    const mean = await layerActivations(model, images, { layers: ['conv1'], pooling: 'mean' });
    expect(tf.memory().numTensors).toBe(before);
    const conv1 = max.layers[0]!;
    expect([conv1.layer, conv1.neurons, conv1.positions]).toEqual(['conv1', 4, 36]);
    const expected = tf.tidy(() => model.getLayer('conv1').apply(tf.tensor4d(images, [5, 6, 6, 3])) as tf.Tensor);
    expect(Array.from(conv1.raw!)).toEqual(Array.from(expected.dataSync()));
    expected.dispose();
    for (let i = 0; i < 5; i++) {
      for (let c = 0; c < 4; c++) {
        const map = Array.from({ length: 36 }, (_, p) => conv1.raw![(i * 36 + p) * 4 + c]!);
        expect(conv1.pooled[i * 4 + c]).toBeCloseTo(Math.max(...map), 6);
        expect(mean.layers[0]!.pooled[i * 4 + c]).toBeCloseTo(map.reduce((a, b) => a + b, 0) / 36, 5);
      }
    }
    expect(mean.layers[0]!.raw).toBeNull();
  });

  it('returns the flatten output, which fc6 turns into its activations', async () => {
    const result = await layerActivations(model, images, { layers: ['fc6', 'fc8'] });
    expect(result.flattenUnits).toBe(36);
    const [kernel, bias] = model
      .getLayer('fc6')
      .getWeights()
      .map((w) => w.dataSync());
    for (let i = 0; i < 5; i++) {
      for (let u = 0; u < 5; u++) {
        let z = bias![u]!;
        for (let f = 0; f < 36; f++) {
          z += result.flatten[i * 36 + f]! * kernel![f * 5 + u]!;
        }
        expect(result.layers[0]!.pooled[i * 5 + u]).toBeCloseTo(Math.max(0, z), 5);
      }
    }
    // fc8 with dropout off is exactly the model's prediction.
    const logits = tf.tidy(() => (model.predict(tf.tensor4d(images, [5, 6, 6, 3])) as tf.Tensor).dataSync());
    Array.from(result.layers[1]!.pooled).forEach((v, j) => expect(v).toBeCloseTo(logits[j]!, 5));
  });

  it('rejects partial images and gives empty arrays for no images', async () => {
    await expect(layerActivations(model, images.subarray(3), { layers: ['fc6'] })).rejects.toThrow(/whole number/);
    await expect(layerActivations(model, images, { layers: ['fc6'], flattenLayer: 'flat' })).rejects.toThrow(/no layer 'flat'/);
    const empty = await layerActivations(model, new Float32Array(0), { layers: ['conv1'] });
    expect([empty.count, empty.layers[0]!.pooled.length, empty.flatten.length]).toEqual([0, 0, 0]);
  });
});

describe('layerActivations on graphs', () => {
  it('reads any layer of a residual or concatenating graph as a sub-model ending there would', async () => {
    for (const model of [smallResidualModel(3), smallSeparableModel(5)]) {
      const layers = [...weightedLayers(model).slice(0, 3), model.layers.some((l) => l.name === 'concat') ? 'concat' : 'block1_add'];
      const input = graphImages(3);
      const before = tf.memory().numTensors;
      const result = await layerActivations(model, input, { layers, raw: true, flattenLayer: 'pool', batchSize: 2 });
      expect(tf.memory().numTensors).toBe(before);
      for (const layer of [...layers, 'pool']) {
        // tfjs's own executor on a model cut at the layer: the reference for what the layer outputs in inference mode.
        const expected = tf.tidy(() => {
          const cut = tfl.model({ inputs: model.inputs, outputs: model.getLayer(layer).output as tfl.SymbolicTensor });
          return (cut.predict(tf.tensor(input, [3, ...GRAPH_INPUT_SHAPE])) as tf.Tensor).dataSync();
        });
        const actual = layer === 'pool' ? result.flatten : result.layers.find((l) => l.layer === layer)!.raw!;
        expect(actual.length).toBe(expected.length);
        actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
      }
      model.dispose();
    }
  });
});
