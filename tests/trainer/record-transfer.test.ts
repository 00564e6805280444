// recordTransfer on a real LanceDB store: a user's own graph model (shortcut, batch norm, global pooling) trained
// with model.fit in two phases is stored as the built-in trainer stores a run, and its checkpoints rebuild exactly.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../trainer/backend.ts';
import { recordTransfer, type LabelledImages } from '../../trainer/record-transfer.ts';
import { Store } from '../../store/store.ts';
import { makeAnalysisContext } from '../../analysis/jobs/analysis-context.ts';
import { checkpointModel } from '../../analysis/jobs/checkpoint-model.ts';
import { checkpointActivations, selectInstances } from '../../analysis/jobs/instance-activations.ts';
import { computeNetwork } from '../../analysis/jobs/network-job.ts';
import { computeFeatures } from '../../analysis/jobs/features-job.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const db = `${useTempDir()}/db`;
const classNames = ['a', 'b', 'c'];

/** A residual block on 8x8 inputs: conv -> BN -> ReLU -> conv, added to the block's input, then pooled. */
function residualModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 3] });
  const stem = tfl.layers.conv2d({ name: 'stem', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
  let h = tfl.layers.conv2d({ name: 'block_conv1', filters: 4, kernelSize: 3, padding: 'same', useBias: false }).apply(stem) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization({ name: 'block_bn1' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.activation({ activation: 'relu' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.conv2d({ name: 'block_conv2', filters: 4, kernelSize: 3, padding: 'same' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.add({ name: 'block_add' }).apply([stem, h]) as tfl.SymbolicTensor;
  h = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(h) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ name: 'fc', units: 3 }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits });
}

/** `n` seeded images whose class shows in the mean of one colour channel, with one-hot labels. */
function images(n: number, seed: number): LabelledImages {
  return tf.tidy(() => {
    const labels = tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % 3),
      'int32',
    );
    const x = tf.add(
      tf.mul(tf.randomUniform([n, 8, 8, 3], 0, 0.5, 'float32', seed), 1),
      tf.mul(tf.reshape(tf.oneHot(labels, 3), [n, 1, 1, 3]), 0.5),
    ) as tf.Tensor4D;
    return { x, y: tf.oneHot(labels, 3) as tf.Tensor2D };
  });
}

let source: { train: LabelledImages; validation: LabelledImages };
let target: { train: LabelledImages; validation: LabelledImages };
let model: tfl.LayersModel;

beforeAll(async () => {
  await selectBackend('wasm');
  source = { train: images(24, 1), validation: images(12, 2) };
  target = { train: images(24, 3), validation: images(9, 4) };
  model = residualModel();
  const loss = (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits);
  const record = (phase: 'source' | 'target') => recordTransfer({ run: 'own', phase, classNames, source, target, db, checkpointEvery: 2, log: () => {} });
  model.compile({ optimizer: tf.train.adam(0.01), loss });
  await model.fit(source.train.x, source.train.y, { epochs: 3, batchSize: 8, callbacks: [record('source')] });
  model.compile({ optimizer: tf.train.adam(0.003), loss });
  await model.fit(target.train.x, target.train.y, { epochs: 1, batchSize: 8, callbacks: [record('target')] });
}, 60_000);

describe('recordTransfer', () => {
  it('stores both phases of a user fit as one finished run with its model and validation instances', async () => {
    const store = await Store.open(db);
    try {
      const run = await store.getRun('own');
      expect(run).toMatchObject({ status: 'finished', classNames, plannedEpochs: { source: 3, target: 1 }, lastEpoch: { phase: 'target', epoch: 1, step: 4 } });
      expect(run.datasetSizes).toEqual({ sourceTrain: 24, sourceValidation: 12, targetTrain: 24, targetValidation: 9 });
      const epochs = await store.listEpochs('own');
      // Checkpoints every 2 epochs and at each fit's last epoch.
      expect(epochs.map((e) => `${e.phase}${e.epoch}:${e.step}:${e.checkpoint}`)).toEqual([
        'source1:1:false',
        'source2:2:true',
        'source3:3:true',
        'target1:4:true',
      ]);
      expect(epochs.every((e) => Number.isFinite(e.loss) && e.loss > 0)).toBe(true);
      const stored = await store.getRunModel('own');
      expect(stored?.monitoredLayers).toEqual(['stem', 'block_conv1', 'block_conv2', 'fc']);
      expect(stored?.representationLayer).toBe('pool');
      expect((await store.getInstances('own', 'target-validation')).labels).toEqual(Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2]));
    } finally {
      store.close();
    }
  });

  it("rebuilds the last checkpoint's model from the stored topology and weights, batch norm included", async () => {
    const store = await Store.open(db);
    try {
      const weights = await store.getWeights({ runId: 'own', phase: 'target', epoch: 1 });
      // Every layer with weights has a row: the batch norm's four tensors travel in one.
      expect(weights.map((w) => w.layer)).toEqual(['stem', 'block_conv1', 'block_bn1', 'block_conv2', 'fc']);
      const rebuilt = await checkpointModel((await store.getRunModel('own'))!, 3, weights);
      const [ours, theirs] = [rebuilt, model].map((m) => tf.tidy(() => (m.predict(target.validation.x) as tf.Tensor).dataSync()));
      expect(Array.from(ours!)).toEqual(Array.from(theirs!));
      // The stored predictions are the trained model's.
      const predicted = (await store.getPredictions({ runId: 'own', phase: 'target', epoch: 1 })).get('target-validation');
      expect(Array.from(predicted!)).toEqual(Array.from(tf.tidy(() => tf.argMax(model.predict(target.validation.x) as tf.Tensor2D, 1).dataSync())));
      rebuilt.dispose();
    } finally {
      store.close();
    }
  });

  it("lays out a graph model's instances from its pooling layer and abstracts its network and features by its own layers, weights only across direct links", async () => {
    const store = await Store.open(db);
    try {
      const context = makeAnalysisContext(store, 'own');
      const selection = selectInstances([await context.inputs('source-validation'), await context.inputs('target-validation')], 10);
      const key = { runId: 'own', phase: 'target' as const, epoch: 1, referencePhase: null, referenceEpoch: null };
      const activations = await checkpointActivations(context, key, selection);
      expect(activations).toMatchObject({ layer: 'pool', dimensions: 4 });
      expect(activations.values).toHaveLength(21 * 4);
      const network = await computeNetwork(context, { ...key, referencePhase: 'source', referenceEpoch: 3 });
      expect(network.layers).toEqual(['stem', 'block_conv1', 'block_conv2', 'fc']);
      // block_conv2 reaches fc only through the shortcut's Add: similarity only there.
      expect(network.links!.map((link) => link.direct)).toEqual([true, true, false]);
      for (const abstraction of network.classes.filter((c) => c.instances.length > 0)) {
        expect(abstraction.layers.map((layer) => layer.layer)).toEqual(network.layers);
        expect(abstraction.boundaries.map((b) => `${b.fromLayer}>${b.toLayer}`)).toEqual(['stem>block_conv1', 'block_conv1>block_conv2']);
      }
      // The features stage ranks the same monitored layers' neurons, block_conv1 inside the shortcut included.
      const features = await computeFeatures(context, key);
      const ranked = new Set(features.classes.flatMap((c) => c.neurons.map((n) => n.layer)));
      expect([...ranked].sort()).toEqual(['block_conv1', 'block_conv2', 'fc', 'stem']);
    } finally {
      store.close();
    }
  });

  it('refuses a second run of the same id once it is finished, and labels out of range, in one line', async () => {
    const again = recordTransfer({ run: 'own', phase: 'target', classNames, source, target, db, log: () => {} });
    again.setModel(model);
    again.setParams({ epochs: 1 });
    await expect(again.onTrainBegin()).rejects.toThrow("recordTransfer: run 'own' is finished; name a new run.");
    await again.close();
    expect(() => recordTransfer({ run: 'other', phase: 'source', classNames: ['a', 'b'], source, target, db })).toThrow(
      'recordTransfer: source.validation has label 2, but classNames lists 2 classes.',
    );
  });
});
