// A small picture of what one neuron responds to, for the neurons of the model view (paper §5.3),
// by gradient ascent on the input image (Olah et al., "Feature Visualization", 2017), seeded.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { SeededRandom } from '../../lib/random/index.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { inputShape, layerGeometry, runGraph } from './layer-graph.ts';

export interface FeatureVisualisationOptions {
  layer: string;
  /** Channel of a convolution layer or unit of a dense layer. */
  neuron: number;
  /** Gradient-ascent steps (default 64). */
  steps?: number;
  /** Mean absolute pixel change per step, in [0, 1] units (default 0.03): normalised steps ignore the gradient's scale. */
  stepSize?: number;
  /** Largest random shift, pixels (default 2): the image must work under small translations, which suppresses high-frequency noise. */
  jitter?: number;
  /** Blur the image every this many steps (default 4; 0 never), another low-frequency prior. */
  blurEvery?: number;
  /** L2 pull of every pixel towards grey 0.5 per step (default 0.01), keeping the image from saturating. */
  decay?: number;
  seed?: number;
}

/**
 * An image (H * W * 3 bytes, RGB, row-major) that makes `neuron` of `layer` fire: its mean over the channel's
 * map for a convolution layer, its value for a dense unit. Deterministic for a seed on one backend.
 * A neuron that stays at zero on the start image (a dead ReLU) gets back a blurred grey start image.
 */
export async function featureVisualisation(model: tfl.LayersModel, options: FeatureVisualisationOptions): Promise<Uint8Array> {
  const shape = inputShape(model);
  const [geometry] = layerGeometry(model, [options.layer]);
  if (shape.length !== 3 || shape[2] !== 3 || !geometry || !Number.isInteger(options.neuron) || options.neuron < 0 || options.neuron >= geometry.neurons) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `featureVisualisation needs an RGB image model and a neuron in [0, ${geometry?.neurons ?? 0}) of '${options.layer}' (got ${options.neuron}, input [${shape.join(', ')}]).`,
    );
  }
  const [height, width] = shape as [number, number, number];
  const steps = options.steps ?? 64;
  const stepSize = options.stepSize ?? 0.03;
  const jitter = options.jitter ?? 2;
  const blurEvery = options.blurEvery ?? 4;
  const decay = options.decay ?? 0.01;
  const random = new SeededRandom(options.seed ?? 0);
  const image = Float32Array.from({ length: height * width * 3 }, () => 0.5 + 0.05 * random.normal());
  const objective = (x: tf.Tensor4D, dy: number, dx: number): tf.Scalar => {
    const shifted = roll(roll(x, 1, dy), 2, dx);
    const y = runGraph(model, shifted, undefined, options.layer);
    const unit = tf.slice(y, [...y.shape.map(() => 0).slice(0, -1), options.neuron], [...y.shape.slice(0, -1), 1]);
    return tf.mean(unit);
  };
  for (let step = 0; step < steps; step++) {
    const dy = random.int(2 * jitter + 1) - jitter;
    const dx = random.int(2 * jitter + 1) - jitter;
    const gradient = tf.tidy(() => tf.grad((x: tf.Tensor) => objective(x as tf.Tensor4D, dy, dx))(tf.tensor4d(image, [1, height, width, 3])));
    const g = (await gradient.data()) as Float32Array;
    gradient.dispose();
    let meanAbs = 0;
    for (const v of g) {
      meanAbs += Math.abs(v);
    }
    meanAbs /= g.length;
    const scale = meanAbs > 0 ? stepSize / meanAbs : 0;
    for (let i = 0; i < image.length; i++) {
      const v = image[i]! + scale * g[i]! - decay * (image[i]! - 0.5);
      image[i] = Math.min(1, Math.max(0, v));
    }
    if (blurEvery > 0 && (step + 1) % blurEvery === 0) {
      blur3x3(image, height, width);
    }
  }
  return Uint8Array.from(image, (v) => Math.round(v * 255));
}

/** Circular shift by `by` along `axis`, differentiable (slice + concat). */
function roll(x: tf.Tensor4D, axis: 1 | 2, by: number): tf.Tensor4D {
  const size = x.shape[axis];
  const k = ((by % size) + size) % size;
  if (k === 0) {
    return x;
  }
  const begin = [0, 0, 0, 0];
  const head = [...x.shape] as number[];
  head[axis] = size - k;
  const tailBegin = [0, 0, 0, 0];
  tailBegin[axis] = size - k;
  const tail = [...x.shape] as number[];
  tail[axis] = k;
  return tf.concat([tf.slice(x, tailBegin, tail), tf.slice(x, begin, head)], axis);
}

const BINOMIAL = [0.25, 0.5, 0.25];

/**
 * In-place 3x3 binomial blur with clamped edges (the border is not darkened). Binomial rather than box:
 * a box blur every few steps erased most of what the ascent had built (measured: 5x weaker neurons).
 */
function blur3x3(image: Float32Array, height: number, width: number): void {
  const source = image.slice();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let oy = -1; oy <= 1; oy++) {
          for (let ox = -1; ox <= 1; ox++) {
            const yy = Math.min(height - 1, Math.max(0, y + oy));
            const xx = Math.min(width - 1, Math.max(0, x + ox));
            sum += BINOMIAL[oy + 1]! * BINOMIAL[ox + 1]! * source[(yy * width + xx) * 3 + c]!;
          }
        }
        image[(y * width + x) * 3 + c] = sum;
      }
    }
  }
}
