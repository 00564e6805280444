// A plain tfjs transfer-learning script recorded by transferscope: a small AlexNet-shaped network trains on
// printed digits (the source domain) and is fine-tuned on handwritten MNIST digits (the target domain); the
// `recordTransfer` callback stores both phases, so `npx transferscope serve` shows the run live with every analysis.
//
//   npx tsx examples/fine-tune.ts [--db DIR] [--run ID] [--smoke]
//
// The layers keep AlexNet's names (conv1..conv5, flatten, fc6..fc8, logits out of fc8) so the run reads like the
// paper's; a Sequential model's own names work as well for every analysis (its Conv2D and Dense layers are monitored).
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { DIGIT_CLASS_NAMES, loadMnistDigits, makeSyntheticDigits, recordTransfer, selectBackend, type ImageSet } from 'transferscope';

const { values: args } = parseArgs({
  options: { db: { type: 'string', default: '.transferscope/db' }, run: { type: 'string' }, smoke: { type: 'boolean', default: false } },
});
// --smoke: a tiny network, few images and one epoch per phase (what the example's test runs).
const size = args.smoke
  ? { source: 240, target: 120, filters: [4, 8, 8, 8, 8], dense: [16, 16], epochs: [1, 1] }
  : { source: 3000, target: 1000, filters: [32, 64, 96, 96, 64], dense: [256, 128], epochs: [5, 3] };

function buildModel(classes: number): tfl.Sequential {
  const model = tfl.sequential();
  size.filters.forEach((filters, i) => {
    model.add(
      tfl.layers.conv2d({
        name: `conv${i + 1}`,
        filters,
        kernelSize: i === 0 ? 5 : 3,
        padding: 'same',
        activation: 'relu',
        ...(i === 0 ? { inputShape: [32, 32, 3] } : {}),
      }),
    );
    if (i === 0 || i === 1 || i === 4) {
      model.add(tfl.layers.maxPooling2d({ name: `pool${i + 1}`, poolSize: 2 }));
    }
  });
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(tfl.layers.dense({ name: 'fc6', units: size.dense[0]!, activation: 'relu' }));
  model.add(tfl.layers.dropout({ name: 'drop6', rate: 0.25 }));
  model.add(tfl.layers.dense({ name: 'fc7', units: size.dense[1]!, activation: 'relu' }));
  model.add(tfl.layers.dropout({ name: 'drop7', rate: 0.25 }));
  model.add(tfl.layers.dense({ name: 'fc8', units: classes }));
  return model;
}

/** The first 80% of a set to train on and the rest to validate with, as tensors (one-hot labels). */
function split(set: ImageSet) {
  const all = {
    x: tf.tensor4d(set.images, [set.count, set.height, set.width, 3]),
    y: tf.oneHot(tf.tensor1d(set.labels, 'int32'), set.classNames.length) as tf.Tensor2D,
  };
  const cut = Math.round(set.count * 0.8);
  const part = (from: number, to: number) => ({ x: tf.slice(all.x, from, to - from), y: tf.slice(all.y, from, to - from) });
  return { train: part(0, cut), validation: part(cut, set.count) };
}

const backend = await selectBackend('auto');
console.log(`backend: ${backend.name}`);
const source = split(makeSyntheticDigits({ count: size.source, seed: 1 }));
const target = split(loadMnistDigits({ count: size.target, seed: 2 }));
const run = args.run ?? `fine-tune-${Date.now()}`;
const classNames = [...DIGIT_CLASS_NAMES];
const record = (phase: 'source' | 'target') => recordTransfer({ run, phase, classNames, source, target, db: args.db });
// fc8 outputs logits, which the analyses attribute: the loss applies the softmax.
const loss = (labels: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, logits);

const model = buildModel(classNames.length);
model.compile({ optimizer: tf.train.adam(0.001), loss });
await model.fit(source.train.x, source.train.y, { epochs: size.epochs[0], batchSize: 32, shuffle: true, callbacks: [record('source')] });
// Fine-tuning: the same weights, a smaller step.
model.compile({ optimizer: tf.train.adam(0.0003), loss });
await model.fit(target.train.x, target.train.y, { epochs: size.epochs[1], batchSize: 32, shuffle: true, callbacks: [record('target')] });
console.log(`recorded run ${run} in ${args.db}: npx transferscope serve --db ${args.db}`);
