import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { layerLinks } from '../../analysis/layer-links.ts';
import { buildAlexNet } from '../../trainer/alexnet.ts';
import { ALEXNET_LAYERS } from '../../trainer/alexnet-layers.ts';
import { buildResNet20 } from '../../trainer/models/resnet-20.ts';
import { buildMobileNet32 } from '../../trainer/models/mobilenet-32.ts';
import { describeModel } from '../../trainer/model-description.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The topology and monitored layers as a run stores them. */
function described(model: tfl.LayersModel): { topology: Record<string, unknown>; monitored: string[] } {
  const { topology, monitoredLayers } = describeModel(model);
  model.dispose();
  return { topology, monitored: monitoredLayers };
}

const pairs = (links: ReturnType<typeof layerLinks>, direct: boolean) => links.filter((l) => l.direct === direct).map((l) => `${l.fromLayer}>${l.toLayer}`);

describe('layerLinks', () => {
  it('finds every pair of a Sequential AlexNet direct (through pooling, flatten and dropout)', () => {
    const { topology, monitored } = described(buildAlexNet({ variant: 'alexnet-32', classCount: 3, seed: 1 }));
    expect(topology.class_name).toBe('Sequential');
    expect(monitored).toEqual([...ALEXNET_LAYERS]);
    const links = layerLinks(topology, monitored);
    expect(links).toEqual(ALEXNET_LAYERS.slice(1).map((toLayer, i) => ({ fromLayer: ALEXNET_LAYERS[i], toLayer, direct: true })));
  });

  it('finds the two convolutions of each ResNet-20 block direct and every pair across an Add not', () => {
    const { topology, monitored } = described(buildResNet20({ classCount: 10, seed: 1 }));
    const links = layerLinks(topology, monitored);
    expect(links).toHaveLength(monitored.length - 1);
    const withinBlocks = [1, 2, 3].flatMap((stage) => [1, 2, 3].map((block) => `stage${stage}_block${block}_conv1>stage${stage}_block${block}_conv2`));
    expect(pairs(links, true)).toEqual(['stem_conv>stage1_block1_conv1', ...withinBlocks]);
    const across = links.filter((l) => !l.direct);
    expect(across.map((l) => l.toLayer)).toContain('fc');
    expect(across.find((l) => l.toLayer === 'stage1_block2_conv1')?.reason).toBe(
      "stage1_block2_conv1 reads a sum through a shortcut (Add 'stage1_block1_add'), not stage1_block1_conv2 alone",
    );
    for (const link of across) {
      expect(link.reason).toMatch(/shortcut \(Add '[a-z0-9_]+_add'\)/);
    }
  });

  it('finds pointwise convolutions direct and every link into a depthwise convolution not (MobileNet-32)', () => {
    const { topology, monitored } = described(buildMobileNet32({ classCount: 10, seed: 1 }));
    const links = layerLinks(topology, monitored);
    const blocks = [1, 2, 3, 4, 5, 6];
    expect(pairs(links, true)).toEqual([...blocks.map((b) => `block${b}_depthwise>block${b}_pointwise`), 'block6_pointwise>fc']);
    const intoDepthwise = links.filter((l) => !l.direct);
    expect(intoDepthwise.map((l) => l.toLayer)).toEqual(blocks.map((b) => `block${b}_depthwise`));
    expect(new Set(intoDepthwise.map((l) => l.reason))).toEqual(new Set(['depthwise: each channel reads only itself']));
  });

  it('finds a pair across a Concatenate not direct, and a pair with an unmonitored convolution between not adjacent', () => {
    const input = tfl.input({ shape: [8, 8, 3], name: 'input' });
    const a = tfl.layers.conv2d({ name: 'branch_a', filters: 4, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers.conv2d({ name: 'branch_b', filters: 4, kernelSize: 1 }).apply(input) as tfl.SymbolicTensor;
    const joined = tfl.layers.concatenate({ name: 'join' }).apply([a, b]) as tfl.SymbolicTensor;
    const c = tfl.layers.conv2d({ name: 'mix', filters: 6, kernelSize: 3, activation: 'relu' }).apply(joined) as tfl.SymbolicTensor;
    const d = tfl.layers.conv2d({ name: 'hidden', filters: 6, kernelSize: 1 }).apply(c) as tfl.SymbolicTensor;
    const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(d) as tfl.SymbolicTensor;
    const logits = tfl.layers.dense({ name: 'head', units: 2 }).apply(pooled) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: logits });
    const { topology } = described(model);
    const links = layerLinks(topology, ['branch_a', 'branch_b', 'mix', 'head']);
    expect(links).toEqual([
      { fromLayer: 'branch_a', toLayer: 'branch_b', direct: false, reason: 'branch_b does not read branch_a' },
      { fromLayer: 'branch_b', toLayer: 'mix', direct: false, reason: "mix reads a concatenation (Concatenate 'join'), not branch_b alone" },
      { fromLayer: 'mix', toLayer: 'head', direct: false, reason: "head reads Conv2D 'hidden', not mix" },
    ]);
    expect(layerLinks(topology, ['hidden', 'head'])).toEqual([{ fromLayer: 'hidden', toLayer: 'head', direct: true }]);
    expect(layerLinks(topology, ['head'])).toEqual([]);
  });
});
