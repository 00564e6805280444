import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { buildResNet20 } from '../../../trainer/models/resnet-20.ts';
import { prepareBackends } from '../kernels/compare-backends.ts';
import { CLASS_COUNT, itTrainsOnWasm } from './model-checks.ts';

beforeAll(prepareBackends);

describe('buildResNet20', () => {
  it('maps 32x32x3 images to one logit per class, with about 0.27M parameters', async () => {
    await tf.setBackend('wasm');
    const model = buildResNet20({ classCount: 10, seed: 1 });
    const logits = tf.tidy(() => model.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor);
    expect(logits.shape).toEqual([2, 10]);
    // He et al. report 0.27M for ResNet-20; the two projection shortcuts add 2,560 weights and their batch norms.
    expect(model.countParams()).toBeGreaterThan(265_000);
    expect(model.countParams()).toBeLessThan(285_000);
    tf.dispose(logits);
    model.dispose();
  });

  it('names its convolutions by stage and block, with projections only where the shape changes', () => {
    const model = buildResNet20({ classCount: 10, seed: 1 });
    const convs = model.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => l.name);
    const blocks = [1, 2, 3].flatMap((stage) =>
      [1, 2, 3].flatMap((block) => [
        `stage${stage}_block${block}_conv1`,
        `stage${stage}_block${block}_conv2`,
        ...(stage > 1 && block === 1 ? [`stage${stage}_block${block}_shortcut_conv`] : []),
      ]),
    );
    expect(convs).toEqual(['stem_conv', ...blocks]);
    expect(model.getLayer('stage2_block1_conv1').outputShape).toEqual([null, 16, 16, 32]);
    expect(model.getLayer('stage3_block3_relu2').outputShape).toEqual([null, 8, 8, 64]);
    expect(model.layers.filter((l) => l.getClassName() === 'Add')).toHaveLength(9);
    expect(model.getLayer('fc').outputShape).toEqual([null, 10]);
    model.dispose();
  });

  itTrainsOnWasm((seed) => buildResNet20({ classCount: CLASS_COUNT, seed }));
});
