// Small functional models for the attribution tests on graphs: a residual network (identity and projection
// shortcuts with batch norm) and a depthwise-separable one with a concatenation, on 16x16x3 inputs.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNorm, classifierHead, conv2d, depthwiseConv2d, type LayerSeeds } from '../../trainer/models/layer-builders.ts';

export const GRAPH_INPUT_SHAPE = [16, 16, 3];
export const GRAPH_PIXELS = 16 * 16 * 3;

const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;

/**
 * stem_conv(4) BN ReLU -> block1 (conv-BN-ReLU-conv-BN + identity, Add, ReLU) -> block2 (stride 2, 8 filters,
 * projection shortcut 1x1 conv + BN) -> global average pooling -> fc (3 logits).
 */
export function smallResidualModel(seed: number, homogeneous = false): tfl.LayersModel {
  const seeds: LayerSeeds = { next: seed };
  const input = tfl.input({ shape: GRAPH_INPUT_SHAPE, name: 'input' });
  let x = apply(tfl.layers.reLU({ name: 'stem_relu' }), apply(batchNorm('stem_bn'), apply(conv2d('stem_conv', 4, 3, 1, seeds), input)));
  const block = (prefix: string, filters: number, strides: number) => {
    let y = apply(conv2d(`${prefix}_conv1`, filters, 3, strides, seeds), x);
    y = apply(tfl.layers.reLU({ name: `${prefix}_relu1` }), apply(batchNorm(`${prefix}_bn1`), y));
    y = apply(batchNorm(`${prefix}_bn2`), apply(conv2d(`${prefix}_conv2`, filters, 3, 1, seeds), y));
    const shortcut = strides === 1 ? x : apply(batchNorm(`${prefix}_shortcut_bn`), apply(conv2d(`${prefix}_shortcut_conv`, filters, 1, strides, seeds), x));
    x = apply(tfl.layers.reLU({ name: `${prefix}_relu2` }), apply(tfl.layers.add({ name: `${prefix}_add` }), [y, shortcut]));
  };
  block('block1', 4, 1);
  block('block2', 8, 2);
  const model = tfl.model({ name: 'small-residual', inputs: input, outputs: classifierHead(x, 3, seeds) });
  setBatchNormStatistics(model, seed, homogeneous);
  return model;
}

/**
 * stem_conv(4) BN ReLU -> two depthwise-separable blocks (depthwise 3x3 BN ReLU, pointwise 1x1 BN ReLU; the
 * second with stride 2 and 8 filters), where the first block's output is concatenated with its input
 * (`concat`, 8 channels) -> global average pooling -> fc (3 logits).
 */
export function smallSeparableModel(seed: number, homogeneous = false): tfl.LayersModel {
  const seeds: LayerSeeds = { next: seed };
  const input = tfl.input({ shape: GRAPH_INPUT_SHAPE, name: 'input' });
  const stem = apply(tfl.layers.reLU({ name: 'stem_relu' }), apply(batchNorm('stem_bn'), apply(conv2d('stem_conv', 4, 3, 1, seeds), input)));
  const separable = (x: tfl.SymbolicTensor, prefix: string, filters: number, strides: number) => {
    let y = apply(batchNorm(`${prefix}_dw_bn`), apply(depthwiseConv2d(`${prefix}_depthwise`, strides, seeds), x));
    y = apply(tfl.layers.reLU({ name: `${prefix}_dw_relu` }), y);
    y = apply(batchNorm(`${prefix}_pw_bn`), apply(conv2d(`${prefix}_pointwise`, filters, 1, 1, seeds), y));
    return apply(tfl.layers.reLU({ name: `${prefix}_pw_relu` }), y);
  };
  const joined = apply(tfl.layers.concatenate({ name: 'concat' }), [separable(stem, 'block1', 4, 1), stem]);
  const model = tfl.model({ name: 'small-separable', inputs: input, outputs: classifierHead(separable(joined, 'block2', 8, 2), 3, seeds) });
  setBatchNormStatistics(model, seed, homogeneous);
  return model;
}

/**
 * Gives every batch norm seeded gamma, beta, moving mean and variance, so inference mode differs from the identity.
 * `homogeneous` zeroes beta and the mean: every batch norm then scales by a positive factor, and as the convolutions
 * and the classifier have no bias (it starts at zero), F(a * x) = a * F(x) with no ReLU switching along the path.
 */
function setBatchNormStatistics(model: tfl.LayersModel, seed: number, homogeneous: boolean): void {
  model.layers
    .filter((layer) => layer.getClassName() === 'BatchNormalization')
    .forEach((layer, l) => {
      const channels = layer.getWeights()[0]!.shape[0]!;
      const wave = (offset: number, scale: number, base: number) =>
        tf.tensor1d(Array.from({ length: channels }, (_, c) => base + scale * Math.sin(seed * 1.3 + l * 2.1 + c * 0.7 + offset)));
      const values = [wave(0, 0.3, 1), wave(1, homogeneous ? 0 : 0.2, homogeneous ? 0 : 0.05), wave(2, homogeneous ? 0 : 0.2, 0), wave(3, 0.3, 1)];
      layer.setWeights(values);
      values.forEach((t) => t.dispose());
    });
}

/** `count` seeded images in [0, 1]. */
export function graphImages(count: number, phase = 0.4): Float32Array {
  return Float32Array.from({ length: count * GRAPH_PIXELS }, (_, i) => (Math.sin(i * 0.37 + phase) + Math.cos(i * 0.011) + 2) / 4);
}

/** Every Conv2D, DepthwiseConv2D and Dense layer, in model order: the default monitored layers (issue 13, item 1). */
export function weightedLayers(model: tfl.LayersModel): string[] {
  return model.layers.filter((l) => ['Conv2D', 'DepthwiseConv2D', 'Dense'].includes(l.getClassName())).map((l) => l.name);
}
