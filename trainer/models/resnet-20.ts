// ResNet-20 for 32x32x3 images (He et al. 2016, §4.2): a 3x3 stem, three stages of three basic blocks
// with 16, 32 and 64 filters, global average pooling and a dense layer of logits.
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNorm, conv2d, classifierHead, type LayerSeeds } from './layer-builders.ts';

export interface ResNet20Options {
  classCount: number;
  seed: number;
}

export const RESNET_20_INPUT_SIZE = 32;

// Paper §4.2: 6n+2 layers with n = 3; the first block of stages 2 and 3 halves the feature map.
const STAGE_FILTERS = [16, 32, 64] as const;
const BLOCKS_PER_STAGE = 3;

/**
 * conv-BN-ReLU-conv-BN, plus the shortcut, then ReLU. Where the shape changes the shortcut is a
 * projection (1x1 conv, stride 2, + BN: the paper's option B), elsewhere the identity.
 */
function basicBlock(x: tfl.SymbolicTensor, prefix: string, filters: number, strides: number, seeds: LayerSeeds): tfl.SymbolicTensor {
  let y = conv2d(`${prefix}_conv1`, filters, 3, strides, seeds).apply(x) as tfl.SymbolicTensor;
  y = batchNorm(`${prefix}_bn1`).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.reLU({ name: `${prefix}_relu1` }).apply(y) as tfl.SymbolicTensor;
  y = conv2d(`${prefix}_conv2`, filters, 3, 1, seeds).apply(y) as tfl.SymbolicTensor;
  y = batchNorm(`${prefix}_bn2`).apply(y) as tfl.SymbolicTensor;
  let shortcut = x;
  if (strides !== 1 || x.shape[3] !== filters) {
    shortcut = conv2d(`${prefix}_shortcut_conv`, filters, 1, strides, seeds).apply(x) as tfl.SymbolicTensor;
    shortcut = batchNorm(`${prefix}_shortcut_bn`).apply(shortcut) as tfl.SymbolicTensor;
  }
  const sum = tfl.layers.add({ name: `${prefix}_add` }).apply([y, shortcut]) as tfl.SymbolicTensor;
  return tfl.layers.reLU({ name: `${prefix}_relu2` }).apply(sum) as tfl.SymbolicTensor;
}

/**
 * Builds an uncompiled ResNet-20 (about 0.27M parameters) whose output `fc` is logits of
 * `classCount` classes. Layers are named `stem_conv`, `stage{1-3}_block{1-3}_conv{1,2}` (with
 * `_bn*`, `_relu*`, `_add` and, in the first block of stages 2 and 3, `_shortcut_conv`/`_shortcut_bn`),
 * `pool` and `fc`. The same seed gives the same initial weights.
 */
export function buildResNet20(options: ResNet20Options): tfl.LayersModel {
  const seeds: LayerSeeds = { next: options.seed };
  const input = tfl.input({ shape: [RESNET_20_INPUT_SIZE, RESNET_20_INPUT_SIZE, 3], name: 'input' });
  let x = conv2d('stem_conv', STAGE_FILTERS[0], 3, 1, seeds).apply(input) as tfl.SymbolicTensor;
  x = batchNorm('stem_bn').apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU({ name: 'stem_relu' }).apply(x) as tfl.SymbolicTensor;
  STAGE_FILTERS.forEach((filters, stage) => {
    for (let block = 0; block < BLOCKS_PER_STAGE; block++) {
      const strides = stage > 0 && block === 0 ? 2 : 1;
      x = basicBlock(x, `stage${stage + 1}_block${block + 1}`, filters, strides, seeds);
    }
  });
  const logits = classifierHead(x, options.classCount, seeds);
  return tfl.model({ name: 'resnet-20', inputs: input, outputs: logits });
}
