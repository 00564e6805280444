import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { initialDenseWeights, layerWidths, toVariables, type DenseWeights } from '../../../lib/dvi/dense-network.ts';
import { visualisationLoss } from '../../../lib/dvi/visualisation-loss.ts';
import '../../../lib/dvi/visualisation-model.ts';
import { SeededRandom } from '../../../lib/random/index.ts';

const curve = { a: 1.577, b: 0.895 };
const weights = { reconstruction: 0.7, temporal: 0.3, prediction: 0.5 };
/** A fixed two-layer classifier head d = 3 -> 4 (ReLU) -> 3 classes, as plain numbers and as tensor ops. */
const headHidden = [
  [0.8, -0.5, 0.3, 0.1],
  [-0.2, 0.9, -0.7, 0.4],
  [0.5, 0.2, 0.6, -0.9],
];
const headHiddenBias = [0.1, -0.05, 0.2, 0];
const headOut = [
  [1.2, -0.4, 0.3],
  [-0.6, 0.8, 0.5],
  [0.4, 0.3, -1.1],
  [-0.3, -0.7, 0.9],
];
const headOutBias = [0.05, -0.1, 0];
function headReference(row: number[]): number[] {
  const hidden = headHiddenBias.map((b, o) =>
    Math.max(
      0,
      row.reduce((z, v, i) => z + v * headHidden[i]![o]!, b),
    ),
  );
  return headOutBias.map((b, o) => hidden.reduce((z, v, i) => z + v * headOut[i]![o]!, b));
}
function headTensors(rows: tf.Tensor2D): tf.Tensor2D {
  const hidden = tf.relu(tf.add(tf.matMul(rows, tf.tensor2d(headHidden)), tf.tensor1d(headHiddenBias)));
  return tf.add(tf.matMul(hidden, tf.tensor2d(headOut)), tf.tensor1d(headOutBias));
}

interface Problem {
  heads: number[][];
  tails: number[][];
  negativeHeads: number[];
  negativeTails: number[];
  previous: number[][];
  /** The class each head row is to keep. */
  classes: number[];
}

/** Float64 forward pass with ReLU between layers; `params` holds kernels and biases in layer order. */
function forward(layers: DenseWeights[], params: Float64Array, offsets: number[], row: number[]): number[] {
  let h = row;
  layers.forEach((layer, l) => {
    const base = offsets[l]!;
    const next: number[] = [];
    for (let o = 0; o < layer.outputs; o++) {
      let z = params[base + layer.inputs * layer.outputs + o]!;
      for (let i = 0; i < layer.inputs; i++) {
        z += h[i]! * params[base + i * layer.outputs + o]!;
      }
      next.push(l + 1 < layers.length ? Math.max(0, z) : z);
    }
    h = next;
  });
  return h;
}

/** The loss as documented, written out in float64 loops. */
function referenceLoss(encoder: DenseWeights[], decoder: DenseWeights[], params: Float64Array, offsets: number[], p: Problem): number {
  const encoderCount = encoder.length;
  const encode = (row: number[]): number[] => forward(encoder, params, offsets.slice(0, encoderCount), row);
  const decode = (point: number[]): number[] => forward(decoder, params, offsets.slice(encoderCount), point);
  const scaled = (u: number[], v: number[]): number => curve.a * ((u[0]! - v[0]!) ** 2 + (u[1]! - v[1]!) ** 2 + 1e-8) ** curve.b;
  const headPoints = p.heads.map(encode);
  const tailPoints = p.tails.map(encode);
  let crossEntropy = 0;
  headPoints.forEach((h, b) => {
    crossEntropy += Math.log(1 + scaled(h, tailPoints[b]!));
  });
  p.negativeHeads.forEach((hb, c) => {
    const s = scaled(headPoints[hb]!, tailPoints[p.negativeTails[c]!]!);
    crossEntropy += -Math.log(s / (1 + s));
  });
  const umap = crossEntropy / (p.heads.length + p.negativeHeads.length);
  let squaredError = 0;
  let temporal = 0;
  let crossEntropyOfClasses = 0;
  headPoints.forEach((h, b) => {
    const decoded = decode(h);
    decoded.forEach((value, c) => {
      squaredError += (value - p.heads[b]![c]!) ** 2;
    });
    temporal += (h[0]! - p.previous[b]![0]!) ** 2 + (h[1]! - p.previous[b]![1]!) ** 2;
    const logits = headReference(decoded);
    const top = Math.max(...logits);
    const logSum = top + Math.log(logits.reduce((sum, z) => sum + Math.exp(z - top), 0));
    crossEntropyOfClasses += logSum - logits[p.classes[b]!]!;
  });
  const n = p.heads.length;
  return (
    umap +
    (weights.reconstruction * squaredError) / (n * p.heads[0]!.length) +
    (weights.temporal * temporal) / n +
    (weights.prediction * crossEntropyOfClasses) / n
  );
}

describe('visualisationLoss', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('has gradients equal to central finite differences of a float64 reference', () => {
    const d = 3;
    const random = new SeededRandom(11);
    const encoder = initialDenseWeights(layerWidths(d, [5, 4], 2), 1);
    const decoder = initialDenseWeights(layerWidths(2, [4, 5], d), 2);
    for (const layer of [...encoder, ...decoder]) {
      layer.bias.forEach((_, o) => {
        layer.bias[o] = random.range(-0.3, 0.3); // non-zero biases exercise their gradients too
      });
    }
    const rows = (count: number): number[][] => Array.from({ length: count }, () => Array.from({ length: d }, () => random.normal()));
    const problem: Problem = {
      heads: rows(4),
      tails: rows(4),
      negativeHeads: [0, 0, 1, 1, 2, 2, 3, 3],
      negativeTails: [1, 2, 3, 0, 0, 3, 2, 1],
      previous: Array.from({ length: 4 }, () => [random.normal(), random.normal()]),
      classes: [2, 0, 1, 2],
    };
    const layers = [...encoder, ...decoder];
    const offsets: number[] = [];
    let size = 0;
    for (const layer of layers) {
      offsets.push(size);
      size += layer.inputs * layer.outputs + layer.outputs;
    }
    const params = new Float64Array(size);
    layers.forEach((layer, l) => {
      params.set(layer.kernel, offsets[l]);
      params.set(layer.bias, offsets[l]! + layer.kernel.length);
    });

    const before = tf.memory().numTensors;
    const encoderVariables = toVariables(encoder);
    const decoderVariables = toVariables(decoder);
    const { value, grads } = tf.variableGrads(
      () =>
        visualisationLoss(
          encoderVariables,
          decoderVariables,
          {
            heads: tf.tensor2d(problem.heads),
            tails: tf.tensor2d(problem.tails),
            negativeHeads: tf.tensor1d(problem.negativeHeads, 'int32'),
            negativeTails: tf.tensor1d(problem.negativeTails, 'int32'),
            previousHeads: tf.tensor2d(problem.previous),
            headClasses: tf.tensor1d(problem.classes, 'int32'),
          },
          curve,
          weights,
          headTensors,
        ).total,
    );
    const variables = [...encoderVariables, ...decoderVariables].flatMap((v) => [v.kernel, v.bias]);
    const analytic = variables.map((v) => grads[v.name]!.dataSync());
    const reference = referenceLoss(encoder, decoder, params, offsets, problem);
    expect(value.dataSync()[0]).toBeCloseTo(reference, 4);

    const step = 1e-6;
    let compared = 0;
    layers.forEach((layer, l) => {
      const parts = [analytic[2 * l]!, analytic[2 * l + 1]!];
      for (let c = 0; c < layer.kernel.length + layer.bias.length; c++) {
        const at = offsets[l]! + c;
        const saved = params[at]!;
        params[at] = saved + step;
        const up = referenceLoss(encoder, decoder, params, offsets, problem);
        params[at] = saved - step;
        const down = referenceLoss(encoder, decoder, params, offsets, problem);
        params[at] = saved;
        const numeric = (up - down) / (2 * step);
        const fromTape = c < layer.kernel.length ? parts[0]![c]! : parts[1]![c - layer.kernel.length]!;
        expect(Math.abs(fromTape - numeric)).toBeLessThan(1e-4 + 1e-3 * Math.abs(numeric));
        compared++;
      }
    });
    expect(compared).toBe(size);
    tf.dispose([value, ...Object.values(grads), ...variables]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
