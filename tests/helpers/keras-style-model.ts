// A small Layers model laid out like a converted Keras AlexNet, for the pretrained-import tests.
import * as tfl from '@tensorflow/tfjs-layers';

/** A Keras-style AlexNet-32 (its own layer names, a softmax head) as tensorflowjs_converter would hand it over. */
export function kerasStyleAlexNet32(classes: number, extra?: 'batch-norm'): tfl.Sequential {
  const m = tfl.sequential();
  const conv = (name: string, filters: number, kernel: number, first = false) =>
    m.add(
      tfl.layers.conv2d({
        name,
        filters,
        kernelSize: kernel,
        padding: 'same',
        activation: 'relu',
        ...(first ? { inputShape: [32, 32, 3] } : {}),
      }),
    );
  conv('block1_conv', 32, 5, true);
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  if (extra === 'batch-norm') {
    m.add(tfl.layers.batchNormalization({ name: 'block1_bn' }));
  }
  conv('block2_conv', 64, 3);
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  conv('block3_conv', 96, 3);
  conv('block4_conv', 96, 3);
  conv('block5_conv', 64, 3);
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ name: 'dense_1', units: 256, activation: 'relu' }));
  m.add(tfl.layers.dropout({ rate: 0.5 }));
  m.add(tfl.layers.dense({ name: 'dense_2', units: 128, activation: 'relu' }));
  m.add(tfl.layers.dense({ name: 'predictions', units: classes, activation: 'softmax' }));
  return m;
}
