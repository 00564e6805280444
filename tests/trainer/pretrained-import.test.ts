import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../trainer/backend.ts';
import { readLayerWeights } from '../../trainer/layer-weights.ts';
import { modelFilesSaver } from '../../trainer/model-files.ts';
import { loadPretrainedSource } from '../../trainer/pretrained-import.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { kerasStyleAlexNet32 } from '../helpers/keras-style-model.ts';

const dir = useTempDir();

let saved: Float32Array[];

beforeAll(async () => {
  await selectBackend('wasm');
  const model = kerasStyleAlexNet32(3);
  await model.save(modelFilesSaver(join(dir, 'keras')));
  saved = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  model.dispose();
  const odd = kerasStyleAlexNet32(3, 'batch-norm');
  await odd.save(modelFilesSaver(join(dir, 'odd')));
  odd.dispose();
});

describe('loadPretrainedSource', () => {
  it('maps Conv2D and Dense layers in order onto conv1..fc8 and keeps a head of the right width', async () => {
    const tensors = tf.memory().numTensors;
    const { model, info } = await loadPretrainedSource(join(dir, 'keras', 'model.json'), 'alexnet-32', 3, 1);
    expect(info.layerMap.map((m) => `${m.layer}<-${m.from}`)).toEqual([
      'conv1<-block1_conv',
      'conv2<-block2_conv',
      'conv3<-block3_conv',
      'conv4<-block4_conv',
      'conv5<-block5_conv',
      'fc6<-dense_1',
      'fc7<-dense_2',
      'fc8<-predictions',
    ]);
    expect([info.headReplaced, info.pretrainedClasses]).toEqual([false, 3]);
    const layers = readLayerWeights(model);
    expect(layers.flatMap((l) => [l.kernel, l.bias])).toEqual(saved);
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('replaces the head with a fresh fc8 when the class count differs, and records it', async () => {
    const { model, info } = await loadPretrainedSource(join(dir, 'keras', 'model.json'), 'alexnet-32', 5, 1);
    expect([info.headReplaced, info.pretrainedClasses]).toEqual([true, 3]);
    const layers = readLayerWeights(model);
    expect(layers[7]!.kernelShape).toEqual([128, 5]);
    expect(layers[6]!.kernel).toEqual(saved[12]);
    model.dispose();
  });

  it('refuses a model that does not fit, naming the layer or the input', async () => {
    const path = join(dir, 'keras', 'model.json');
    await expect(loadPretrainedSource(path, 'alexnet-227', 3, 1)).rejects.toThrow(/its input is 32x32x3, the model's is 227x227x3/);
    await expect(loadPretrainedSource(join(dir, 'odd', 'model.json'), 'alexnet-32', 3, 1)).rejects.toThrow(
      /layer 'block1_bn' \(BatchNormalization\) has weights/,
    );
    await expect(loadPretrainedSource(join(dir, 'none', 'model.json'), 'alexnet-32', 3, 1)).rejects.toThrow(/Cannot read the pretrained model/);
    rmSync(join(dir, 'odd', 'weights.bin'));
    await expect(loadPretrainedSource(join(dir, 'odd', 'model.json'), 'alexnet-32', 3, 1)).rejects.toThrow(
      /weight shard '.*weights.bin' named by .* is missing/,
    );
  });
});
