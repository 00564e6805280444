import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkpointClassifier } from '../../../analysis/jobs/checkpoint-classifier.ts';
import { buildAlexNet } from '../../../trainer/alexnet.ts';
import { SeededRandom } from '../../../lib/random/index.ts';
import { graphImages, smallResidualModel } from '../../helpers/small-graph-models.ts';

let model: tfl.LayersModel;
beforeAll(async () => {
  await tf.setBackend('cpu');
  model = buildAlexNet({ variant: 'alexnet-32', classCount: 10, seed: 3 });
});
afterAll(() => model.dispose());

describe('checkpointClassifier', () => {
  it('splits the model at the flatten layer: the head on the representation is the whole model on the image', async () => {
    const classifier = checkpointClassifier(model, 'flatten');
    const random = new SeededRandom(1);
    const n = 3;
    const images = Float32Array.from({ length: n * classifier.imageSize }, () => random.next());
    const before = tf.memory().numTensors;
    const direct = await classifier.classifyImages(images, n);
    const rows = await classifier.representImages(images, n);
    const viaHead = await classifier.classifyRepresentations(rows, n);
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.length).toBe(n * classifier.dimensions);
    expect(direct.length).toBe(n * 10);
    for (let i = 0; i < direct.length; i++) {
      expect(viaHead[i]).toBeCloseTo(direct[i]!, 5);
    }
    // Softmax rows: probabilities summing to 1.
    const first = direct.subarray(0, 10).reduce((a, b) => a + b, 0);
    expect(first).toBeCloseTo(1, 5);
    // And the same as the model's own predict, softmaxed (dropout off in both).
    const predicted = tf.tidy(() => tf.softmax(model.predict(tf.tensor(images, [n, 32, 32, 3])) as tf.Tensor2D));
    const expected = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < direct.length; i++) {
      expect(direct[i]).toBeCloseTo(expected[i]!, 5);
    }
  });

  it('gives the head as tensor logits whose softmax is the head probabilities, and whose gradient reaches the rows', async () => {
    const classifier = checkpointClassifier(model, 'flatten');
    const random = new SeededRandom(2);
    const n = 2;
    const rows = Float32Array.from({ length: n * classifier.dimensions }, () => random.next());
    const before = tf.memory().numTensors;
    const probabilities = tf.tidy(() => tf.softmax(classifier.headLogits(tf.tensor2d(rows, [n, classifier.dimensions]))));
    const fromLogits = await probabilities.data();
    const gradient = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(classifier.headLogits(x as tf.Tensor2D)))(tf.tensor2d(rows, [n, classifier.dimensions])));
    const norm = tf.tidy(() => tf.sum(tf.abs(gradient)));
    const gradientNorm = (await norm.data())[0]!;
    tf.dispose([probabilities, gradient, norm]);
    expect(tf.memory().numTensors).toBe(before);
    const viaHead = await classifier.classifyRepresentations(rows, n);
    for (let i = 0; i < viaHead.length; i++) {
      expect(fromLogits[i]).toBeCloseTo(viaHead[i]!, 5);
    }
    expect(gradientNorm).toBeGreaterThan(0);
  });

  it('names the layers when the representation layer is missing', () => {
    expect(() => checkpointClassifier(model, 'pool9')).toThrow(/no layer 'pool9'.*conv1/);
  });

  it("splits a residual graph at its pooling layer (the DVI map's classifier), and refuses a split a shortcut bypasses", async () => {
    const residual = smallResidualModel(5);
    try {
      const classifier = checkpointClassifier(residual, 'pool');
      const n = 2;
      const images = graphImages(n);
      const direct = await classifier.classifyImages(images, n);
      const viaHead = await classifier.classifyRepresentations(await classifier.representImages(images, n), n);
      const predicted = tf.tidy(() => tf.softmax(residual.predict(tf.tensor(images, [n, 16, 16, 3])) as tf.Tensor2D));
      const expected = await predicted.data();
      predicted.dispose();
      expect(classifier.dimensions).toBe(8);
      for (let i = 0; i < direct.length; i++) {
        expect(direct[i]).toBeCloseTo(expected[i]!, 5);
        expect(viaHead[i]).toBeCloseTo(expected[i]!, 5);
      }
      expect(() => checkpointClassifier(residual, 'block1_conv1')).toThrow(
        "The projection needs the layers after 'block1_conv1' to form one chain that every path goes through; this model's do not.",
      );
    } finally {
      residual.dispose();
    }
  });
});
