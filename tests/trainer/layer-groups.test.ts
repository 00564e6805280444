// Layer groups of a residual network: batch norms (shortcut ones too) belong to the convolution they normalise, so
// per-layer learning rates and frozen layers reach them; frozen batch norms keep their moving statistics.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../trainer/backend.ts';
import { validateConfig } from '../../trainer/config.ts';
import { monitoredLayerGroups } from '../../trainer/layer-groups.ts';
import { makePhaseOptimizer } from '../../trainer/layer-optimizers.ts';
import { readModelWeights, writeModelWeights } from '../../trainer/layer-weights.ts';
import { monitoredLayersOf } from '../../trainer/model-description.ts';
import { buildResNet20 } from '../../trainer/models/resnet-20.ts';

const phase = (target: Record<string, unknown>) =>
  validateConfig({
    name: 'x',
    model: 'resnet-20',
    source: { kind: 'mnist', count: 20 },
    target: { kind: 'mnist', count: 20 },
    phases: { source: { epochs: 1, learningRate: 0.01 }, target: { epochs: 1, learningRate: 0.01, ...target } },
  }).phases.target;

const bytes = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('monitoredLayerGroups', () => {
  it('puts each batch norm with the convolution before it, and unmonitored layers with the nearest monitored one upstream', () => {
    const model = buildResNet20({ classCount: 3, seed: 1 });
    const all = monitoredLayerGroups(model, monitoredLayersOf(model));
    expect(all).toHaveLength(22);
    const members = (groups: typeof all, name: string) => groups.find((g) => g.layer === name)!.members.map((l) => l.name);
    expect(members(all, 'stem_conv')).toEqual(['stem_conv', 'stem_bn']);
    expect(members(all, 'stage2_block1_shortcut_conv')).toEqual(['stage2_block1_shortcut_conv', 'stage2_block1_shortcut_bn']);
    expect(all.find((g) => g.layer === 'fc')!.kind).toBe('fc');
    // Every layer with weights is in exactly one group.
    expect(all.flatMap((g) => g.members.map((l) => l.name)).sort()).toEqual(
      model.layers
        .filter((l) => l.weights.length > 0)
        .map((l) => l.name)
        .sort(),
    );

    const few = monitoredLayerGroups(model, monitoredLayersOf(model, ['fc', 'stage2_block1_conv2', 'stem_conv']));
    expect(few.map((g) => g.layer)).toEqual(['stem_conv', 'stage2_block1_conv2', 'fc']);
    expect(members(few, 'stem_conv')).toContain('stage2_block1_conv1');
    expect(members(few, 'stem_conv')).toContain('stage1_block3_bn2');
    expect(members(few, 'stage2_block1_conv2')).toEqual(expect.arrayContaining(['stage2_block1_bn2', 'stage3_block1_conv1', 'stage3_block3_bn2']));
    expect(members(few, 'fc')).toEqual(['fc']);
    model.dispose();
  });
});

describe('makePhaseOptimizer on a residual network', () => {
  it('keeps the frozen groups, batch norm statistics included, bit-identical and trains the rest', async () => {
    const model = buildResNet20({ classCount: 3, seed: 2 });
    const monitored = monitoredLayersOf(model, ['stem_conv', 'stage1_block1_conv1', 'stage3_block3_conv2', 'fc']);
    const before = readModelWeights(model);
    const tensors = tf.memory().numTensors;
    const optimizer = makePhaseOptimizer(model, phase({ freezeLayers: 1, learningRates: { conv: 0.02, fc: 0.1 } }), monitored);
    expect(optimizer.plan).toEqual({ frozen: ['stem_conv'], rates: { stage1_block1_conv1: 0.02, stage3_block3_conv2: 0.02, fc: 0.1 } });
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3) as tf.Tensor2D);
    expect(Number.isFinite(await optimizer.step(x, y))).toBe(true);
    tf.dispose([x, y]);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    const after = readModelWeights(model);
    const unchanged = after
      .filter((w, i) => bytes(w.kernel).equals(bytes(before[i]!.kernel)) && bytes(w.bias).equals(bytes(before[i]!.bias)))
      .map((w) => w.layer);
    // stem_bn's bias row holds beta, moving mean and variance: in inference mode none of them moves.
    expect(unchanged).toEqual(['stem_conv', 'stem_bn']);
    // dispose() put the batch norm's own call back: in training mode its moving statistics move again.
    const bn = model.getLayer('stem_bn');
    expect(Object.hasOwn(bn, 'call')).toBe(false);
    model.dispose();
  });

  it('restores its Adam state, batch norms included, on a rebuilt copy as a resumed run does', async () => {
    const settings = phase({ freezeLayers: 2, learningRates: { fc: 0.05 } });
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([1, 2], 'int32'), 3) as tf.Tensor2D);
    const original = buildResNet20({ classCount: 3, seed: 3 });
    const first = makePhaseOptimizer(original, settings);
    await first.step(x, y);
    const state = await first.readState();
    // Two rate groups; each trained conv or dense variable and each trained batch norm's gamma and beta has two moments.
    const trainable = (names: string[]) => names.map((n) => original.getLayer(n).trainableWeights.length).reduce((a, b) => a + b, 0);
    const frozen = trainable(['stem_conv', 'stem_bn', 'stage1_block1_conv1', 'stage1_block1_bn1']);
    expect(state.map((g) => g.moments.length)).toEqual([2 * (original.trainableWeights.length - frozen - 2), 2 * 2]);
    const copy = buildResNet20({ classCount: 3, seed: 3 });
    writeModelWeights(copy, readModelWeights(original));
    const resumed = makePhaseOptimizer(copy, settings);
    await resumed.restoreState(state);
    expect(await resumed.step(x, y)).toBe(await first.step(x, y));
    const [a, b] = [readModelWeights(original), readModelWeights(copy)];
    expect(b.map((w) => w.layer)).toEqual(a.map((w) => w.layer));
    let largest = 0;
    a.forEach((w, i) => w.bias.forEach((v, j) => (largest = Math.max(largest, Math.abs(v - b[i]!.bias[j]!)))));
    expect(largest).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    [first, resumed].forEach((o) => o.dispose());
    [original, copy].forEach((m) => m.dispose());
  });
});
