// The visualisation model's two dense networks (DVI §4.1: encoder d -> hidden -> 2, decoder 2 -> hidden -> d, ReLU
// between layers, linear outputs) as plain Float32Arrays, so a fitted model can be stored and warm-started from.
import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '../random/index.ts';

/** One dense layer: `kernel` is inputs x outputs row-major, as tfjs and Keras store it. */
export interface DenseWeights {
  inputs: number;
  outputs: number;
  kernel: Float32Array;
  bias: Float32Array;
}

/** A dense layer's variables while training. */
export interface DenseVariables {
  kernel: tf.Variable;
  bias: tf.Variable;
}

/** Layer widths from `from` through `hidden` to `to`. */
export function layerWidths(from: number, hidden: readonly number[], to: number): number[] {
  return [from, ...hidden, to];
}

/** Glorot-uniform kernels (tfjs-layers' Dense default) and zero biases, reproducible from `seed`. */
export function initialDenseWeights(widths: readonly number[], seed: number): DenseWeights[] {
  const random = new SeededRandom(seed);
  const layers: DenseWeights[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const inputs = widths[l]!;
    const outputs = widths[l + 1]!;
    const limit = Math.sqrt(6 / (inputs + outputs));
    const kernel = Float32Array.from({ length: inputs * outputs }, () => random.range(-limit, limit));
    layers.push({ inputs, outputs, kernel, bias: new Float32Array(outputs) });
  }
  return layers;
}

/** Trainable variables holding copies of `layers`. */
export function toVariables(layers: readonly DenseWeights[]): DenseVariables[] {
  const variable = (values: tf.Tensor): tf.Variable => {
    // tf.variable shares the initial tensor's data but leaves the tensor itself to be disposed.
    const v = tf.variable(values);
    values.dispose();
    return v;
  };
  return layers.map((layer) => ({
    kernel: variable(tf.tensor2d(layer.kernel, [layer.inputs, layer.outputs])),
    bias: variable(tf.tensor1d(layer.bias)),
  }));
}

/** Plain copies of the variables' current values. */
export async function fromVariables(variables: readonly DenseVariables[]): Promise<DenseWeights[]> {
  const values = await Promise.all(variables.flatMap((v) => [v.kernel.data(), v.bias.data()]));
  return variables.map((v, l) => ({
    inputs: v.kernel.shape[0]!,
    outputs: v.kernel.shape[1]!,
    kernel: new Float32Array(values[2 * l] as Float32Array),
    bias: new Float32Array(values[2 * l + 1] as Float32Array),
  }));
}

/** Runs rows (batch x inputs) through the layers: ReLU after every layer but the last. Call inside tf.tidy. */
export function denseForward(layers: readonly { kernel: tf.Tensor; bias: tf.Tensor }[], rows: tf.Tensor2D): tf.Tensor2D {
  let h = rows;
  layers.forEach((layer, l) => {
    const z = tf.add(tf.matMul(h, layer.kernel as tf.Tensor2D), layer.bias) as tf.Tensor2D;
    h = l + 1 < layers.length ? tf.relu(z) : z;
  });
  return h;
}

/** True when both stacks have the same layer shapes, so one can warm-start the other. */
export function sameShapes(a: readonly DenseWeights[], b: readonly DenseWeights[]): boolean {
  return a.length === b.length && a.every((layer, l) => layer.inputs === b[l]!.inputs && layer.outputs === b[l]!.outputs);
}
