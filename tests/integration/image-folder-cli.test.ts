// Issue 6 as a new user meets it: `transferscope train --config my.json` on an Office-31-like folder pair
// with broken files, then on a pretrained Layers model; both read back through the Store.
import { describe, expect, it, beforeAll } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../store/store.ts';
import { modelFilesSaver } from '../../trainer/model-files.ts';
import { selectBackend } from '../../trainer/backend.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { runCli } from '../helpers/cli.ts';
import { writeDomainPair } from '../helpers/image-folders.ts';
import { kerasStyleAlexNet32 } from '../helpers/keras-style-model.ts';

const dir = useTempDir();
const db = join(dir, 'db');

const cli = (...args: string[]) => runCli(args, 110_000);

function writeConfig(name: string, extra: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name,
      seed: 5,
      model: 'alexnet-32',
      evalTrainSamples: 20,
      // Relative paths start at the config file's folder.
      source: { kind: 'image-folder', path: 'pair/source' },
      target: { kind: 'image-folder', path: 'pair/target' },
      phases: { source: { epochs: 1, batchSize: 8, learningRate: 0.001 }, target: { epochs: 1, batchSize: 8, learningRate: 0.0005, augment: true } },
      ...extra,
    }),
  );
  return file;
}

beforeAll(async () => {
  await writeDomainPair(join(dir, 'pair'), { source: 8, target: 6 });
});

describe('transferscope train on image folders', () => {
  it('trains, reports the skipped files and dropped classes, and stores the summary with the run', async () => {
    const result = await cli('train', '--config', writeConfig('folders', {}), '--db', db, '--run', 'folders', '--backend', 'wasm');
    expect(result.stderr).toMatch(
      /data: skipped 4 files \(source 4, target 0\); dropped 3 classes: source 'empty' \(no usable image\), source 'sun' \(only in one domain\), target 'moon' \(only in one domain\); converted to 8-bit sRGB: source 1 greyscale \+ 1 cmyk \+ 1 sixteenBit \+ 1 alpha/,
    );
    expect([result.code, result.stdout]).toEqual([0, 'transferscope: run folders finished (2 epochs stored)\n']);
    const store = await Store.open(db);
    try {
      const meta = await store.getRun('folders');
      expect(meta.classNames).toEqual(['apple', 'leaf', 'sky']);
      expect(meta.dataReport?.skippedCount).toEqual({ source: 4, target: 0 });
      expect(meta.dataReport?.skipped.map((s) => `${s.file}:${s.reason}`)).toEqual([
        'apple/broken-truncated.jpg:unreadable',
        'apple/broken-truncated.png:unreadable',
        'apple/fake.jpg:not-an-image',
        'apple/notes.txt:not-an-image',
      ]);
      expect((meta.config as { phases: { target: { augment: boolean } } }).phases.target.augment).toBe(true);
      expect(meta.datasetSizes.sourceTrain + meta.datasetSizes.sourceValidation).toBe(12 + 16);
      const metrics = await store.listEpochs('folders');
      expect(metrics.map((e) => `${e.phase}${e.epoch}`)).toEqual(['source1', 'target1']);
    } finally {
      store.close();
    }
  });

  it('fine-tunes a pretrained Layers model, replacing its head, with the source model evaluated and charted', async () => {
    await selectBackend('wasm');
    const model = kerasStyleAlexNet32(10);
    await model.save(modelFilesSaver(join(dir, 'models', 'keras-alexnet')));
    model.dispose();
    const config = writeConfig('pretrained', {
      pretrained: { path: 'models/keras-alexnet/model.json' },
      phases: { target: { epochs: 1, batchSize: 8, learningRate: 0.0005, freezeLayers: 5, learningRates: { fc8: 0.005 } } },
    });
    const result = await cli('train', '--config', config, '--db', db, '--run', 'pretrained', '--backend', 'wasm');
    expect(result.stderr).toMatch(/source model from .*model.json \(fc8 replaced: 10 -> 3 classes\)/);
    expect(result.code).toBe(0);
    const store = await Store.open(db);
    try {
      const meta = await store.getRun('pretrained');
      expect(meta.pretrained).toMatchObject({ headReplaced: true, pretrainedClasses: 10 });
      expect(meta.pretrained?.layerMap[5]).toEqual({ layer: 'fc6', from: 'dense_1' });
      expect(meta.plannedEpochs).toEqual({ source: 1, target: 1 });
      const metrics = await store.listEpochs('pretrained');
      expect(metrics.map((e) => `${e.phase}${e.epoch}:${e.checkpoint}`)).toEqual(['source1:true', 'target1:true']);
      expect(metrics[0]!.trainSeconds).toBe(0);
      expect(metrics[0]!.accTargetValidation).toBeGreaterThanOrEqual(0);
      const source = await store.getWeights({ runId: 'pretrained', phase: 'source', epoch: 1 });
      const target = await store.getWeights({ runId: 'pretrained', phase: 'target', epoch: 1 });
      expect(target[4]!.kernel).toEqual(source[4]!.kernel); // conv5 frozen
      expect(target[7]!.kernel).not.toEqual(source[7]!.kernel);
    } finally {
      store.close();
    }
  });

  it('says in one line where to put the data when the folders are missing', async () => {
    const config = join(dir, 'missing.json');
    writeFileSync(
      config,
      JSON.stringify({
        name: 'missing',
        source: { kind: 'image-folder', path: 'nowhere/amazon/images' },
        target: { kind: 'image-folder', path: 'nowhere/webcam/images' },
        phases: { source: { epochs: 1, learningRate: 0.001 }, target: { epochs: 1, learningRate: 0.001 } },
      }),
    );
    const result = await cli('train', '--config', config, '--db', db, '--backend', 'cpu');
    expect(result.code).toBe(2);
    expect(
      result.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.includes('backend')),
    ).toEqual([
      `transferscope: The source image folder '${join(dir, 'nowhere/amazon/images')}' does not exist. Put one sub-folder per class of JPEG/PNG/WebP images there (see README, "Your own data").`,
    ]);
  });
});
