// The built-in trainer on networks other than AlexNet, through the CLI as a user runs it: MobileNet-32 with a listed
// set of monitored layers and a frozen first layer, an imported functional model with a shortcut whose classifier is
// replaced, and a monitored layer the model lacks (one line, exit 2, no store).
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../store/store.ts';
import { selectBackend } from '../../trainer/backend.ts';
import { writeModelWeights } from '../../trainer/layer-weights.ts';
import { modelFilesSaver } from '../../trainer/model-files.ts';
import { runCli } from '../helpers/cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const dir = useTempDir();

function writeConfig(name: string, fields: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name,
      seed: 3,
      evalTrainSamples: 10,
      source: { kind: 'synthetic-digits', count: 40 },
      target: { kind: 'mnist', count: 40 },
      phases: {
        source: { epochs: 1, batchSize: 16, learningRate: 0.001 },
        target: { epochs: 1, batchSize: 16, learningRate: 0.001, freezeLayers: 1, learningRates: { fc: 0.01 } },
      },
      ...fields,
    }),
  );
  return file;
}

const train = (config: string, db: string, run: string) => runCli(['train', '--config', config, '--db', db, '--run', run, '--backend', 'wasm'], 60_000);

const bytes = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');

/** A small functional network with a residual shortcut and a 3-class softmax head, as a user might bring one. */
function residualModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [32, 32, 3] });
  const stem = tfl.layers
    .conv2d({ name: 'stem', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })
    .apply(input) as tfl.SymbolicTensor;
  let branch = tfl.layers.conv2d({ name: 'branch_conv', filters: 4, kernelSize: 3, padding: 'same', useBias: false }).apply(stem) as tfl.SymbolicTensor;
  branch = tfl.layers.batchNormalization({ name: 'branch_bn' }).apply(branch) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'shortcut' }).apply([stem, branch]) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(tfl.layers.reLU().apply(sum) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'classifier', units: 3, activation: 'softmax' }).apply(pooled) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

beforeAll(async () => {
  await selectBackend('wasm');
  const model = residualModel();
  await model.save(modelFilesSaver(join(dir, 'residual')));
  model.dispose();
});

describe('train any model through the CLI', () => {
  it('trains mobilenet-32 with listed monitored layers, stores its model and every layer of its checkpoints, and keeps the frozen layer', async () => {
    const db = join(dir, 'mobilenet-db');
    const monitor = ['fc', 'stem_conv', 'block2_pointwise', 'block6_depthwise'];
    const result = await train(writeConfig('mobilenet', { model: 'mobilenet-32', monitor }), db, 'mn');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('monitored layers stem_conv, block2_pointwise, block6_depthwise, fc');
    const store = await Store.open(db);
    try {
      const runModel = (await store.getRunModel('mn'))!;
      expect([runModel.monitoredLayers, runModel.representationLayer]).toEqual([['stem_conv', 'block2_pointwise', 'block6_depthwise', 'fc'], 'pool']);
      const meta = await store.getRun('mn');
      expect(meta.layers.map((l) => `${l.name}:${l.kernelShape.join('x')}`)).toEqual([
        'stem_conv:3x3x3x32',
        'block2_pointwise:1x1x64x128',
        'block6_depthwise:3x3x256x1',
        'fc:256x10',
      ]);
      expect((await store.listEpochs('mn')).map((e) => `${e.phase}:${e.epoch}:${e.checkpoint}`)).toEqual(['source:1:true', 'target:1:true']);
      const source = await store.getWeights({ runId: 'mn', phase: 'source', epoch: 1 });
      const target = await store.getWeights({ runId: 'mn', phase: 'target', epoch: 1 });
      // Every layer with weights: the stem, six blocks of depthwise + pointwise with their batch norms, the classifier.
      expect(target.map((w) => w.layer)).toHaveLength(27);
      expect(target.map((w) => w.layer)).toEqual(expect.arrayContaining(['stem_bn', 'block6_pointwise_bn']));
      const changed = (name: string) => {
        const [a, b] = [source.find((w) => w.layer === name)!, target.find((w) => w.layer === name)!];
        return bytes(a.kernel) !== bytes(b.kernel) || bytes(a.bias) !== bytes(b.bias);
      };
      // freezeLayers 1 froze stem_conv's group: its batch norm (statistics included) and the unmonitored layers up to
      // block2_pointwise, which owns the layers after it up to the next monitored one.
      expect(['stem_conv', 'stem_bn', 'block2_depthwise', 'block2_pointwise', 'block3_depthwise_bn', 'fc'].map(changed)).toEqual([
        false,
        false,
        false,
        true,
        true,
        true,
      ]);
      // The stored topology and checkpoint rebuild the trained network.
      const rebuilt = await tfl.models.modelFromJSON({ modelTopology: runModel.topology } as unknown as Parameters<typeof tfl.models.modelFromJSON>[0]);
      writeModelWeights(rebuilt, target);
      expect(rebuilt.outputs[0]!.shape).toEqual([null, 10]);
      rebuilt.dispose();
    } finally {
      store.close();
    }
  });

  it('fine-tunes an imported functional model with a shortcut, replacing its 3-class head for 10 classes', async () => {
    const db = join(dir, 'imported-db');
    const result = await train(writeConfig('imported', { pretrained: { path: 'residual/model.json' } }), db, 'imp');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('(classifier replaced: 3 -> 10 classes)');
    const store = await Store.open(db);
    try {
      const meta = await store.getRun('imp');
      expect([meta.pretrained?.headReplaced, meta.pretrained?.pretrainedClasses, meta.plannedEpochs]).toEqual([true, 3, { source: 1, target: 1 }]);
      expect((await store.getRunModel('imp'))!.monitoredLayers).toEqual(['stem', 'branch_conv', 'classifier']);
      const target = await store.getWeights({ runId: 'imp', phase: 'target', epoch: 1 });
      expect(target.map((w) => `${w.layer}:${w.kernelShape.join('x')}`)).toEqual(['stem:3x3x3x4', 'branch_conv:3x3x4x4', 'branch_bn:4', 'classifier:4x10']);
      const source = await store.getWeights({ runId: 'imp', phase: 'source', epoch: 1 });
      expect(bytes(source[0]!.kernel)).toBe(bytes(target[0]!.kernel));
      expect(bytes(source[3]!.kernel)).not.toBe(bytes(target[3]!.kernel));
    } finally {
      store.close();
    }
  });

  it('refuses a monitored layer the model lacks in one line naming its layers, and creates no store', async () => {
    const db = join(dir, 'refused-db');
    const result = await train(writeConfig('refused', { model: 'resnet-20', monitor: ['stem_conv', 'block2_conv2'] }), db, 'no');
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    expect({ code: result.code, lines: lines.length, stdout: result.stdout }).toEqual({ code: 2, lines: 1, stdout: '' });
    expect(lines[0]).toMatch(
      /^transferscope: Cannot monitor layer 'block2_conv2': resnet-20 has no layer of that name; list .* layers of it \(stem_conv, stage1_block1_conv1, .*, fc\)\.$/,
    );
    expect(existsSync(db)).toBe(false);
  });

  it('demo refuses a learning rate for a layer the model does not monitor before it opens its store', async () => {
    const db = join(dir, 'demo-db');
    const config = writeConfig('demo-refused', {
      model: 'mobilenet-32',
      phases: { source: { epochs: 1, learningRate: 0.001 }, target: { epochs: 1, learningRate: 0.001, learningRates: { conv5: 0.1 } } },
    });
    const result = await runCli(['demo', '--config', config, '--db', db, '--port', '0', '--backend', 'wasm'], 60_000);
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    expect({ code: result.code, lines: lines.length, stdout: result.stdout }).toEqual({ code: 2, lines: 1, stdout: '' });
    expect(lines[0]).toMatch(
      /^transferscope: Invalid config: 'phases.target.learningRates' has key 'conv5', which is not a monitored layer; use 'conv', 'fc' or one of stem_conv, .*, fc\.$/,
    );
    expect(existsSync(db)).toBe(false);
  });
});
