// Layer factories shared by the built-in networks: seeded He-initialised convolutions without bias
// (a batch norm follows each one and its beta takes the bias's place) and their batch norms.
import * as tfl from '@tensorflow/tfjs-layers';

/** A running seed: each initialiser takes the next one, so a model's weights depend only on its first seed. */
export interface LayerSeeds {
  next: number;
}

/** A 'same'-padded KxK convolution without bias, He-normal initialised (He et al. 2015, for ReLU networks). */
export function conv2d(name: string, filters: number, kernelSize: number, strides: number, seeds: LayerSeeds): tfl.layers.Layer {
  return tfl.layers.conv2d({
    name,
    filters,
    kernelSize,
    strides,
    padding: 'same',
    useBias: false,
    kernelInitializer: tfl.initializers.heNormal({ seed: seeds.next++ }),
  });
}

/** A 3x3 depthwise convolution without bias, He-normal initialised (fan-in is the 9 taps of one channel). */
export function depthwiseConv2d(name: string, strides: number, seeds: LayerSeeds): tfl.layers.Layer {
  return tfl.layers.depthwiseConv2d({
    name,
    kernelSize: 3,
    strides,
    padding: 'same',
    useBias: false,
    depthwiseInitializer: tfl.initializers.heNormal({ seed: seeds.next++ }),
  });
}

// Momentum 0.9 (not Keras' 0.99): runs here are tens to hundreds of steps, and moving statistics
// that lag the weights make evaluation (inference mode) much worse than training.
export function batchNorm(name: string): tfl.layers.Layer {
  return tfl.layers.batchNormalization({ name, momentum: 0.9, epsilon: 1e-3 });
}

/** Global average pooling (`pool`) then the dense classifier `fc` with logits: the head both residual and separable nets end in. */
export function classifierHead(x: tfl.SymbolicTensor, classCount: number, seeds: LayerSeeds): tfl.SymbolicTensor {
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tfl.SymbolicTensor;
  return tfl.layers
    .dense({ name: 'fc', units: classCount, kernelInitializer: tfl.initializers.glorotUniform({ seed: seeds.next++ }) })
    .apply(pooled) as tfl.SymbolicTensor;
}
