// A user's own Sequential model with its own layer names (batch norm, a depthwise-separable block, global pooling),
// recorded with recordTransfer, then analysed through the HTTP API of a monitor on a loopback port: every answer
// speaks of the model's monitored layers, and weights exist only between directly linked ones.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../trainer/backend.ts';
import { recordTransfer, type LabelledImages } from '../../trainer/record-transfer.ts';
import { Store } from '../../store/store.ts';
import { startMonitor, type RunningMonitor } from '../../monitor/server.ts';
import type { FeaturesResponse, NetworkResponse } from '../../core/analysis-protocol.ts';
import type { WeightSliceResponse } from '../../core/network-protocol.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const db = `${useTempDir()}/db`;
const classNames = ['a', 'b', 'c'];
const MONITORED = ['block1_conv', 'block2_conv', 'block3_depthwise', 'block3_pointwise', 'hidden', 'head'];

/** 8x8 inputs: conv -> BN -> ReLU, conv -> pool, depthwise -> pointwise, global pooling, two dense layers. */
function ownModel(): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ name: 'block1_conv', filters: 4, kernelSize: 3, padding: 'same', useBias: false, inputShape: [8, 8, 3] }));
  model.add(tfl.layers.batchNormalization({ name: 'block1_bn' }));
  model.add(tfl.layers.reLU({ name: 'block1_relu' }));
  model.add(tfl.layers.conv2d({ name: 'block2_conv', filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tfl.layers.maxPooling2d({ name: 'block2_pool', poolSize: 2 }));
  model.add(tfl.layers.depthwiseConv2d({ name: 'block3_depthwise', kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tfl.layers.conv2d({ name: 'block3_pointwise', filters: 8, kernelSize: 1, activation: 'relu' }));
  model.add(tfl.layers.globalAveragePooling2d({ name: 'pool' }));
  model.add(tfl.layers.dense({ name: 'hidden', units: 8, activation: 'relu' }));
  model.add(tfl.layers.dropout({ name: 'drop', rate: 0.25 }));
  model.add(tfl.layers.dense({ name: 'head', units: 3 }));
  return model;
}

/** `n` seeded images whose class shows in the mean of one colour channel, with one-hot labels. */
function images(n: number, seed: number): LabelledImages {
  return tf.tidy(() => {
    const labels = tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % 3),
      'int32',
    );
    const x = tf.add(tf.randomUniform([n, 8, 8, 3], 0, 0.5, 'float32', seed), tf.mul(tf.reshape(tf.oneHot(labels, 3), [n, 1, 1, 3]), 0.5)) as tf.Tensor4D;
    return { x, y: tf.oneHot(labels, 3) as tf.Tensor2D };
  });
}

let store: Store;
let monitor: RunningMonitor;

beforeAll(async () => {
  await selectBackend('wasm');
  const source = { train: images(24, 1), validation: images(12, 2) };
  const target = { train: images(24, 3), validation: images(12, 4) };
  const model = ownModel();
  const loss = (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits);
  const record = (phase: 'source' | 'target') => recordTransfer({ run: 'own', phase, classNames, source, target, db, log: () => {} });
  model.compile({ optimizer: tf.train.adam(0.01), loss });
  await model.fit(source.train.x, source.train.y, { epochs: 1, batchSize: 8, callbacks: [record('source')] });
  model.compile({ optimizer: tf.train.adam(0.003), loss });
  await model.fit(target.train.x, target.train.y, { epochs: 1, batchSize: 8, callbacks: [record('target')] });
  model.dispose();
  tf.dispose([source, target].flatMap((d) => [d.train.x, d.train.y, d.validation.x, d.validation.y]));
  store = await Store.open(db);
  monitor = await startMonitor({ store, port: 0, pollIntervalMs: 100 });
}, 60_000);
afterAll(async () => {
  await monitor.close();
  store.close();
});

const at = (path: string) => fetch(`${monitor.url}api/runs/own/epochs/target/1${path}`);
const json = async <T>(path: string): Promise<T> => {
  const res = await at(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

describe("a Sequential model's own layer names", () => {
  it('name every layer of the network and features analyses, with boundaries only between directly linked layers', async () => {
    const [network, features, image] = await Promise.all([
      json<NetworkResponse>('/network'),
      json<FeaturesResponse>('/features'),
      at('/layers/block3_depthwise/neurons/5/feature.png'),
    ]);
    expect(network.result.layers).toEqual(MONITORED);
    expect(network.result.links?.map((l) => [`${l.fromLayer}>${l.toLayer}`, l.direct])).toEqual([
      ['block1_conv>block2_conv', true],
      ['block2_conv>block3_depthwise', false],
      ['block3_depthwise>block3_pointwise', true],
      ['block3_pointwise>hidden', true],
      ['hidden>head', true],
    ]);
    expect(network.result.links?.[1]?.reason).toBe('depthwise: each channel reads only itself');
    for (const cls of network.result.classes) {
      expect(cls.instances).toHaveLength(4);
      expect(cls.layers.map((l) => [l.layer, l.targetNeurons])).toEqual([
        ['block1_conv', 4],
        ['block2_conv', 6],
        ['block3_depthwise', 6],
        ['block3_pointwise', 8],
        ['hidden', 8],
        ['head', 3],
      ]);
      expect(cls.boundaries.map((b) => `${b.fromLayer}>${b.toLayer}`)).toEqual([
        'block1_conv>block2_conv',
        'block3_depthwise>block3_pointwise',
        'block3_pointwise>hidden',
        'hidden>head',
      ]);
      // Important weights join neurons that exist on both sides (global pooling: one value per channel into `hidden`).
      const intoHidden = cls.boundaries[2]!;
      expect(intoHidden.target.from.length).toBeGreaterThan(0);
      expect(Math.max(...intoHidden.target.from)).toBeLessThan(8);
      expect(Math.max(...intoHidden.target.to)).toBeLessThan(8);
    }
    expect(features.result.classes).toHaveLength(3);
    const named = new Set(features.result.classes.flatMap((c) => c.neurons.map((n) => n.layer)));
    expect([...named].sort()).toEqual([...MONITORED].sort());
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
  }, 120_000);

  it('answers weights between directly linked layers and refuses the others and unknown layers in one line', async () => {
    const pointwise = await json<WeightSliceResponse>('/layers/block3_pointwise/weights?from=5&to=7');
    expect(pointwise).toMatchObject({ layer: 'block3_pointwise', fromLayer: 'block3_depthwise', kind: 'conv', rows: 1, cols: 1 });
    const hidden = await json<WeightSliceResponse>('/layers/hidden/weights?from=7&to=2');
    expect(hidden).toMatchObject({ layer: 'hidden', fromLayer: 'block3_pointwise', kind: 'dense' });
    expect(hidden.incoming).toHaveLength(8);

    const refused = async (path: string) => {
      const res = await at(path);
      expect(res.status, path).toBe(400);
      return ((await res.json()) as { error: { message: string } }).error.message;
    };
    expect(await refused('/layers/block3_depthwise/weights?from=0&to=0')).toBe(
      'No weights join block2_conv to block3_depthwise one to one (depthwise: each channel reads only itself): compare these layers by neuron similarity only.',
    );
    expect(await refused('/layers/conv2/weights?from=0&to=0')).toMatch(
      /^Invalid layer 'conv2': weights between monitored layers end in one of block2_conv, .*, head /,
    );
    expect(await refused('/layers/block1_bn/neurons/0/feature.png')).toBe(
      `Unknown layer 'block1_bn': this run's monitored layers are ${MONITORED.join(', ')}.`,
    );
  });
});
