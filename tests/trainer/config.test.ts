import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonNestingDepth, loadConfig, validateConfig } from '../../trainer/config.ts';
import { checkPhaseLayers } from '../../trainer/config-phase.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const valid = {
  name: 'ok',
  source: { kind: 'synthetic-digits', count: 100 },
  target: { kind: 'mnist', count: 100 },
  phases: { source: { epochs: 1, learningRate: 0.001 }, target: { epochs: 2, learningRate: 0.001, batchSize: 16 } },
};

describe('config validation', () => {
  it('accepts every shipped config', () => {
    for (const file of readdirSync('configs').filter((f) => f.endsWith('.json'))) {
      expect(loadConfig(`configs/${file}`).name.length).toBeGreaterThan(0);
    }
  });

  it('fills defaults', () => {
    const c = validateConfig(valid);
    expect([c.seed, c.model, c.trainFraction, c.checkpointEvery, c.phases.source.batchSize]).toEqual([42, 'alexnet-32', 0.85, 1, 64]);
  });

  it.each([
    [{ ...valid, name: 'has space' }, /'name' must be/],
    [{ ...valid, source: { kind: 'svhn', count: 100 } }, /'source.kind' must be one of 'synthetic-digits', 'mnist', 'image-folder', 'idx' \(got "svhn"\)/],
    [{ ...valid, target: { kind: 'mnist', count: 20000 } }, /10000/],
    [{ ...valid, phases: { ...valid.phases, source: { epochs: 0, learningRate: 0.1 } } }, /'phases.source.epochs' must be between 1 and 1000 \(got 0\)/],
    [{ ...valid, phases: { ...valid.phases, target: { epochs: 1.5, learningRate: 0.1 } } }, /whole number/],
    [{ ...valid, lr: 3 }, /unknown field 'lr'/],
    [[1, 2], /expected a JSON object/],
  ])('rejects a bad config with a message naming the field (%#)', (raw, message) => {
    expect(() => validateConfig(raw, 'my.json')).toThrow(message);
    try {
      validateConfig(raw, 'my.json');
    } catch (err) {
      expect((err as { code: string }).code).toBe('INVALID_CONFIG');
    }
  });

  it('names a missing file and broken JSON', () => {
    expect(() => loadConfig('configs/nope.json')).toThrow(/Cannot read config file 'configs\/nope.json'/);
    expect(() => loadConfig('package-lock.json')).toThrow(/unknown field|must be/);
  });
});

describe('config validation: issue 6 fields', () => {
  const folders = {
    name: 'office',
    model: 'alexnet-227',
    source: { kind: 'image-folder', path: 'data/amazon' },
    target: { kind: 'image-folder', path: '/abs/webcam', maxPerClass: 50, flip: false },
    phases: {
      source: { epochs: 1, learningRate: 0.001 },
      target: { epochs: 2, learningRate: 0.001, learningRates: { conv: 0.0001, fc8: 0.01 }, freezeLayers: 2, augment: true },
    },
  };

  it('reads image-folder domains and fine-tuning settings, resolving relative paths against the config folder', () => {
    const c = validateConfig(folders, 'my.json', '/home/me/configs');
    expect(c.source).toEqual({ kind: 'image-folder', path: '/home/me/configs/data/amazon', flip: true });
    expect(c.target).toEqual({ kind: 'image-folder', path: '/abs/webcam', maxPerClass: 50, flip: false });
    expect(c.phases.target).toMatchObject({ learningRates: { conv: 0.0001, fc8: 0.01 }, freezeLayers: 2, augment: true });
    expect(c.phases.source).toMatchObject({ learningRates: {}, freezeLayers: 0, augment: false });
    // A stored config validates again to itself (the network job re-reads it).
    expect(validateConfig(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });

  it('reads idx domains and a pretrained model, which makes phases.source optional', () => {
    const c = validateConfig(
      {
        name: 'digits',
        source: { kind: 'idx', images: 'a.idx', labels: 'b.idx', perClass: 1500 },
        target: { kind: 'mnist', count: 100 },
        pretrained: { path: 'models/alexnet/model.json' },
        phases: { target: { epochs: 1, learningRate: 0.001 } },
      },
      'x.json',
      '/d',
    );
    expect(c.source).toEqual({ kind: 'idx', images: '/d/a.idx', labels: '/d/b.idx', perClass: 1500 });
    expect(c.pretrained).toEqual({ path: '/d/models/alexnet/model.json' });
    expect(c.phases.source.epochs).toBe(1);
  });

  it.each([
    [{ ...folders, source: { kind: 'image-folder' } }, /'source.path' must be a path \(got undefined\)/],
    [{ ...folders, target: { kind: 'image-folder', path: 'x', flip: 'yes' } }, /'target.flip' must be true or false/],
    [{ ...folders, target: { kind: 'image-folder', path: 'x', dir: 'y' } }, /unknown field 'target.dir'/],
    [{ ...folders, source: { kind: 'mnist', count: 100 } }, /'source.kind' 'mnist' is held in memory .* use "model": "alexnet-32"/],
    [
      { ...folders, phases: { ...folders.phases, target: { epochs: 1, learningRate: 0.1, freezeLayers: 8 } } },
      /'phases.target.freezeLayers' must be between 0 and 7 \(got 8\)/,
    ],
    [
      { ...folders, phases: { ...folders.phases, target: { epochs: 1, learningRate: 0.1, learningRates: { pool1: 0.1 } } } },
      /'phases.target.learningRates' has key 'pool1'; use 'conv', 'fc' or a monitored layer's name \(conv1, .*, fc8\)\.$/,
    ],
    [
      { ...folders, phases: { ...folders.phases, target: { epochs: 1, learningRate: 0.1, augment: 1 } } },
      /'phases.target.augment' must be true or false \(got 1\)/,
    ],
    [{ ...folders, phases: { target: folders.phases.target } }, /'phases.source' must be an object/],
    [{ ...folders, pretrained: { file: 'm.json' } }, /unknown field 'pretrained.file'/],
  ])('rejects a bad issue-6 field with one line naming it (%#)', (raw, message) => {
    expect(() => validateConfig(raw, 'my.json')).toThrow(message);
  });
});

describe('config validation: model and monitored layers (issue 13)', () => {
  it('reads every built-in model and a monitored-layer list, and checks layer names of other models later', () => {
    const resnet = validateConfig({
      ...valid,
      model: 'resnet-20',
      monitor: ['stem_conv', 'stage2_block1_conv2', 'fc'],
      phases: { ...valid.phases, target: { epochs: 1, learningRate: 0.01, learningRates: { stem_conv: 0, fc: 0.1 }, freezeLayers: 12 } },
    });
    expect([resnet.model, resnet.monitor, resnet.phases.target.learningRates, resnet.phases.target.freezeLayers]).toEqual([
      'resnet-20',
      ['stem_conv', 'stage2_block1_conv2', 'fc'],
      { stem_conv: 0, fc: 0.1 },
      12,
    ]);
    expect(validateConfig({ ...valid, model: 'mobilenet-32' }).monitor).toBeUndefined();
    expect(validateConfig({ ...valid, pretrained: { path: '/m/model.json' } }).model).toBe('imported');
    expect(validateConfig({ ...valid, model: 'alexnet-32', pretrained: { path: '/m/model.json' } }).model).toBe('alexnet-32');
  });

  it.each([
    [
      { ...valid, model: 'resnet-50' },
      /^Invalid config my\.json: 'model' must be one of 'alexnet-32', 'alexnet-227', 'resnet-20', 'mobilenet-32', 'imported' \(got "resnet-50"\)\.$/,
    ],
    [{ ...valid, model: 'imported' }, /'model' 'imported' fine-tunes the network of 'pretrained', but the config has no 'pretrained' path/],
    [
      { ...valid, model: 'resnet-20', pretrained: { path: '/m.json' } },
      /'model' 'resnet-20' is trained from scratch; to fine-tune the network in 'pretrained', leave 'model' out/,
    ],
    [{ ...valid, monitor: 'conv1' }, /'monitor' must be a list of layer names, for example \["conv1", "fc8"\] \(got "conv1"\)\.$/],
    [{ ...valid, monitor: [] }, /'monitor' must be a list of layer names/],
    [{ ...valid, monitor: ['conv1', 'conv1'] }, /'monitor' lists layer 'conv1' twice/],
    [
      { ...valid, monitor: ['conv1', 'block2_conv2'] },
      /'monitor' lists 'block2_conv2', which alexnet-32 does not have; its layers are conv1, conv2, conv3, conv4, conv5, fc6, fc7, fc8\.$/,
    ],
    [
      { ...valid, monitor: ['conv2', 'fc8'], phases: { ...valid.phases, target: { epochs: 1, learningRate: 0.1, learningRates: { conv1: 0.1 } } } },
      /'phases.target.learningRates' has key 'conv1'; use 'conv', 'fc' or a monitored layer's name \(conv2, fc8\)\.$/,
    ],
    [
      { ...valid, model: 'resnet-20', phases: { ...valid.phases, target: { epochs: 1, learningRate: 0.1, learningRates: { 'a b': 0.1 } } } },
      /'phases.target.learningRates' has key 'a b'; use 'conv', 'fc' or a monitored layer's name\.$/,
    ],
  ])('rejects a bad model or monitor field in one line (%#)', (raw, message) => {
    expect(() => validateConfig(raw, 'my.json')).toThrow(message);
  });

  it('checks learning-rate keys and freezeLayers of other models against their monitored layers once built', () => {
    const config = (target: Record<string, unknown>) =>
      validateConfig({ ...valid, model: 'mobilenet-32', phases: { ...valid.phases, target: { epochs: 1, learningRate: 0.1, ...target } } });
    const monitored = ['stem_conv', 'block1_depthwise', 'fc'];
    expect(() => checkPhaseLayers(config({ learningRates: { conv: 0.1, block1_depthwise: 0.2 }, freezeLayers: 2 }).phases, monitored)).not.toThrow();
    expect(() => checkPhaseLayers(config({ learningRates: { block9_depthwise: 0.1 } }).phases, monitored)).toThrow(
      /^Invalid config: 'phases.target.learningRates' has key 'block9_depthwise', which is not a monitored layer; use 'conv', 'fc' or one of stem_conv, block1_depthwise, fc\.$/,
    );
    expect(() => checkPhaseLayers(config({ freezeLayers: 3 }).phases, monitored)).toThrow(
      /'phases.target.freezeLayers' is 3, but the model has 3 monitored layers; freeze at most 2\.$/,
    );
  });
});

describe('hostile config files', () => {
  const dir = useTempDir();

  it('counts nesting outside strings only', () => {
    expect(jsonNestingDepth('{"a": [1, {"b": "[[[{{{"}], "c": "\\"[["}')).toBe(3);
    expect(jsonNestingDepth('[]')).toBe(1);
    expect(jsonNestingDepth('42')).toBe(0);
  });

  it('refuses deep nesting before parsing, and bad JSON without quoting the file', () => {
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`);
    expect(() => loadConfig(deep)).toThrow(/nests objects and arrays 50000 deep; a config needs at most 32\./);
    const garbled = join(dir, 'garbled.json');
    writeFileSync(garbled, '{"name": SECRET-TEXT}');
    expect(() => loadConfig(garbled)).toThrow(/^Config file '.*garbled\.json' is not valid JSON( \(error at character \d+\))?\.$/);
    expect(() => loadConfig(garbled)).not.toThrow(/SECRET/);
  });

  it('refuses devices, folders and oversized files', () => {
    expect(() => loadConfig('/dev/zero')).toThrow(/Cannot read config file '\/dev\/zero': it is not a regular file\./);
    expect(() => loadConfig(dir)).toThrow(/it is not a regular file/);
    const big = join(dir, 'big.json');
    writeFileSync(big, `{"name": "x", "$comment": "${'x'.repeat(2 << 20)}"}`);
    expect(() => loadConfig(big)).toThrow(/more than a config's limit of 1048576/);
  });
});
