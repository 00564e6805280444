// importLayersModel on models tfjs saves in the test: a Sequential one, a functional one with a shortcut and a
// concatenation, and one with a layer the analyses do not understand (refused in one line).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../trainer/backend.ts';
import { modelFilesSaver } from '../../trainer/model-files.ts';
import { importLayersModel } from '../../trainer/layers-model-import.ts';
import { loadPretrainedSource } from '../../trainer/pretrained-import.ts';
import { describeModel } from '../../trainer/model-description.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const dir = useTempDir();
let x: tf.Tensor4D;
let sequentialOutput: Float32Array;

function branchyModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 3] });
  const stem = tfl.layers.conv2d({ name: 'stem', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
  const padded = tfl.layers.zeroPadding2d({ padding: 1 }).apply(stem) as tfl.SymbolicTensor;
  const branch = tfl.layers.depthwiseConv2d({ name: 'branch_dw', kernelSize: 3 }).apply(padded) as tfl.SymbolicTensor;
  const normed = tfl.layers.batchNormalization({ name: 'branch_bn' }).apply(branch) as tfl.SymbolicTensor;
  const shortcut = tfl.layers.add({ name: 'shortcut' }).apply([stem, tfl.layers.reLU().apply(normed) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
  const side = tfl.layers.separableConv2d({ name: 'side', filters: 2, kernelSize: 3, padding: 'same' }).apply(stem) as tfl.SymbolicTensor;
  const joined = tfl.layers.concatenate({ name: 'joined' }).apply([shortcut, side]) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(joined) as tfl.SymbolicTensor;
  const dropped = tfl.layers.dropout({ rate: 0.5 }).apply(pooled) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'classifier', units: 3, activation: 'softmax' }).apply(dropped) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

beforeAll(async () => {
  await selectBackend('wasm');
  x = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 7);
  const sequential = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ name: 'c1', inputShape: [8, 8, 3], filters: 4, kernelSize: 3, activation: 'relu' }),
      tfl.layers.batchNormalization({ name: 'bn' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dense({ name: 'out', units: 3 }),
      tfl.layers.activation({ activation: 'softmax' }),
    ],
  });
  sequentialOutput = tf.tidy(() => (sequential.predict(x) as tf.Tensor).dataSync() as Float32Array);
  await sequential.save(modelFilesSaver(join(dir, 'sequential')));
  await branchyModel().save(modelFilesSaver(join(dir, 'branchy')));
  const unsupported = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 3], filters: 2, kernelSize: 3 }),
      tfl.layers.upSampling2d({ name: 'upsample' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3 }),
    ],
  });
  await unsupported.save(modelFilesSaver(join(dir, 'unsupported')));
});

describe('importLayersModel', () => {
  it('keeps a Sequential model and its weights, ending in the logits of its softmax', async () => {
    const before = tf.memory().numTensors;
    const { model, headReplaced, pretrainedClasses } = await importLayersModel(join(dir, 'sequential', 'model.json'), { classCount: 3 });
    expect([headReplaced, pretrainedClasses]).toEqual([false, 3]);
    const probabilities = tf.tidy(() => tf.softmax(model.predict(x) as tf.Tensor2D).dataSync());
    Array.from(probabilities).forEach((p, i) => expect(p).toBeCloseTo(sequentialOutput[i]!, 5));
    expect(describeModel(model)).toMatchObject({ monitoredLayers: ['c1', 'out'], representationLayer: 'flat' });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('imports a functional model with a shortcut and a concatenation, replacing a classifier of another width', async () => {
    const { model, headReplaced, pretrainedClasses } = await importLayersModel(join(dir, 'branchy', 'model.json'), { classCount: 5, seed: 1 });
    expect([headReplaced, pretrainedClasses]).toEqual([true, 3]);
    expect(model.outputs[0]!.shape).toEqual([null, 5]);
    expect(describeModel(model)).toMatchObject({ monitoredLayers: ['stem', 'branch_dw', 'side', 'classifier'], representationLayer: 'pool' });
    // A graph stays a graph: its stored topology is functional, so analyses do not run its layers as a chain.
    expect(describeModel(model).topology.class_name).toBe('Model');
    expect(tf.tidy(() => (model.predict(x) as tf.Tensor).shape)).toEqual([4, 5]);
    model.dispose();
  });

  it('refuses a layer it cannot analyse in one line naming the layer and its class, for import and pretrained config alike', async () => {
    const line =
      /^Pretrained model '.*unsupported\/model\.json' has layer 'upsample' of class UpSampling2D, which transferscope cannot analyse; supported: Conv2D, .*Flatten\.$/;
    await expect(importLayersModel(join(dir, 'unsupported', 'model.json'))).rejects.toThrow(line);
    await expect(loadPretrainedSource(join(dir, 'unsupported', 'model.json'), 'alexnet-32', 3, 1)).rejects.toThrow(line);
  });
});
