// The paper's AlexNet: five convolution layers and three dense layers named conv1..conv5, fc6..fc8
// (its Layer 1 to Layer 8), at the original 227x227 input or scaled for 32x32 digits.
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerName } from '../core/protocol.ts';
import type { ModelVariant } from './config.ts';

/** AlexNet's eight monitored layers in order (the paper's Layer 1 to 8); runs stored without a model row are AlexNet runs. */
export const ALEXNET_LAYERS = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8'] as const;

export interface AlexNetOptions {
  variant: ModelVariant;
  classCount: number;
  seed: number;
}

export const INPUT_SIZE: Record<ModelVariant, number> = { 'alexnet-32': 32, 'alexnet-227': 227 };

interface ConvSpec {
  name: LayerName;
  filters: number;
  kernel: number;
  strides: number;
  padding: 'same' | 'valid';
  pool?: [number, number];
}

// Scaled variant: the same eight layers at about 1/3 of AlexNet's widths; stride-1 convolutions with
// 2x2 pooling keep enough spatial extent on 32x32 inputs (AlexNet's stride-4 11x11 would leave 6x6).
const SCALED: { convs: ConvSpec[]; dense: [number, number]; dropout: number } = {
  convs: [
    { name: 'conv1', filters: 32, kernel: 5, strides: 1, padding: 'same', pool: [2, 2] },
    { name: 'conv2', filters: 64, kernel: 3, strides: 1, padding: 'same', pool: [2, 2] },
    { name: 'conv3', filters: 96, kernel: 3, strides: 1, padding: 'same' },
    { name: 'conv4', filters: 96, kernel: 3, strides: 1, padding: 'same' },
    { name: 'conv5', filters: 64, kernel: 3, strides: 1, padding: 'same', pool: [2, 2] },
  ],
  dense: [256, 128],
  dropout: 0.25,
};

// Krizhevsky et al. 2012 (single-tower, without local response normalisation, as torchvision's).
const ORIGINAL: typeof SCALED = {
  convs: [
    { name: 'conv1', filters: 96, kernel: 11, strides: 4, padding: 'valid', pool: [3, 2] },
    { name: 'conv2', filters: 256, kernel: 5, strides: 1, padding: 'same', pool: [3, 2] },
    { name: 'conv3', filters: 384, kernel: 3, strides: 1, padding: 'same' },
    { name: 'conv4', filters: 384, kernel: 3, strides: 1, padding: 'same' },
    { name: 'conv5', filters: 256, kernel: 3, strides: 1, padding: 'same', pool: [3, 2] },
  ],
  dense: [4096, 4096],
  dropout: 0.5,
};

/** Builds an uncompiled model whose output is fc8's logits (no softmax: losses and attributions use logits). */
export function buildAlexNet(options: AlexNetOptions): tfl.Sequential {
  const spec = options.variant === 'alexnet-32' ? SCALED : ORIGINAL;
  const size = INPUT_SIZE[options.variant];
  const model = tfl.sequential({ name: `${options.variant}` });
  let seed = options.seed;
  const init = () => tfl.initializers.heNormal({ seed: seed++ });
  spec.convs.forEach((c, i) => {
    model.add(
      tfl.layers.conv2d({
        name: c.name,
        filters: c.filters,
        kernelSize: c.kernel,
        strides: c.strides,
        padding: c.padding,
        activation: 'relu',
        kernelInitializer: init(),
        ...(i === 0 ? { inputShape: [size, size, 3] } : {}),
      }),
    );
    if (c.pool) {
      model.add(tfl.layers.maxPooling2d({ name: `pool${i + 1}`, poolSize: c.pool[0], strides: c.pool[1] }));
    }
  });
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  spec.dense.forEach((units, i) => {
    model.add(tfl.layers.dense({ name: i === 0 ? 'fc6' : 'fc7', units, activation: 'relu', kernelInitializer: init() }));
    model.add(tfl.layers.dropout({ name: `drop${i + 6}`, rate: spec.dropout, seed: seed++ }));
  });
  model.add(tfl.layers.dense({ name: 'fc8', units: options.classCount, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }) }));
  return model;
}
