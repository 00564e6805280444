// A small MobileNet-v1-style network for 32x32x3 images (Howard et al. 2017): a 3x3 stem, then
// depthwise-separable blocks (3x3 depthwise + BN + ReLU, 1x1 pointwise + BN + ReLU), global average
// pooling and a dense layer of logits.
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNorm, conv2d, depthwiseConv2d, classifierHead, type LayerSeeds } from './layer-builders.ts';

export interface MobileNet32Options {
  classCount: number;
  seed: number;
}

export const MOBILENET_32_INPUT_SIZE = 32;

const STEM_FILTERS = 32;

// MobileNet-v1's first six blocks at width 1, with a stride-1 stem (its stride-2 stem would leave 1x1
// maps at 32x32) and a last stride-2 block: 32 -> 16 -> 8 -> 4. About 0.2M parameters.
const BLOCKS: readonly { filters: number; strides: number }[] = [
  { filters: 64, strides: 1 },
  { filters: 128, strides: 2 },
  { filters: 128, strides: 1 },
  { filters: 256, strides: 2 },
  { filters: 256, strides: 1 },
  { filters: 256, strides: 2 },
];

function depthwiseSeparable(x: tfl.SymbolicTensor, prefix: string, filters: number, strides: number, seeds: LayerSeeds): tfl.SymbolicTensor {
  let y = depthwiseConv2d(`${prefix}_depthwise`, strides, seeds).apply(x) as tfl.SymbolicTensor;
  y = batchNorm(`${prefix}_depthwise_bn`).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.reLU({ name: `${prefix}_depthwise_relu` }).apply(y) as tfl.SymbolicTensor;
  y = conv2d(`${prefix}_pointwise`, filters, 1, 1, seeds).apply(y) as tfl.SymbolicTensor;
  y = batchNorm(`${prefix}_pointwise_bn`).apply(y) as tfl.SymbolicTensor;
  return tfl.layers.reLU({ name: `${prefix}_pointwise_relu` }).apply(y) as tfl.SymbolicTensor;
}

/**
 * Builds an uncompiled MobileNet-style model whose output `fc` is logits of `classCount` classes.
 * Layers are named `stem_conv`/`stem_bn`/`stem_relu`, `block{1-6}_depthwise` and `block{1-6}_pointwise`
 * (each with `_bn` and `_relu`), `pool` and `fc`. The same seed gives the same initial weights.
 */
export function buildMobileNet32(options: MobileNet32Options): tfl.LayersModel {
  const seeds: LayerSeeds = { next: options.seed };
  const input = tfl.input({ shape: [MOBILENET_32_INPUT_SIZE, MOBILENET_32_INPUT_SIZE, 3], name: 'input' });
  let x = conv2d('stem_conv', STEM_FILTERS, 3, 1, seeds).apply(input) as tfl.SymbolicTensor;
  x = batchNorm('stem_bn').apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU({ name: 'stem_relu' }).apply(x) as tfl.SymbolicTensor;
  BLOCKS.forEach(({ filters, strides }, i) => {
    x = depthwiseSeparable(x, `block${i + 1}`, filters, strides, seeds);
  });
  const logits = classifierHead(x, options.classCount, seeds);
  return tfl.model({ name: 'mobilenet-32', inputs: input, outputs: logits });
}
