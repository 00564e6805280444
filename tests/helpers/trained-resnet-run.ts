// A ResNet-20 run trained by the built-in trainer into a real store, at the smallest size that still gives every
// analysis something to work on: three colour classes per domain, two training and two validation images per class,
// one epoch per phase, so one source and one target checkpoint. For end-to-end tests of views over a deep network.
import { join } from 'node:path';
import type { RunMeta } from '../../core/protocol.ts';
import { validateConfig } from '../../trainer/config.ts';
import { trainRun } from '../../trainer/run-training.ts';
import { describeModel } from '../../trainer/model-description.ts';
import { buildResNet20 } from '../../trainer/models/resnet-20.ts';
import { writeClassImages } from './image-folders.ts';

/** The classes of the run, in the order the trainer sorts them. */
export const TRAINED_RESNET_CLASSES = ['apple', 'leaf', 'sky'];

/**
 * Writes the two image-folder domains under `dir` and trains `runId` ("model": "resnet-20", as a config builds it)
 * into the store at `db`; resolves with the finished run's metadata. Source and target images differ in size, so
 * the centre crop scaled to 32x32 differs and fine-tuning has something to change.
 */
export async function trainResNetRun(dir: string, db: string, runId: string): Promise<RunMeta> {
  await writeClassImages(join(dir, 'source'), TRAINED_RESNET_CLASSES, 4, [32, 32]);
  await writeClassImages(join(dir, 'target'), TRAINED_RESNET_CLASSES, 4, [48, 40]);
  const config = validateConfig(
    {
      name: 'resnet-e2e',
      seed: 5,
      model: 'resnet-20',
      source: { kind: 'image-folder', path: 'source' },
      target: { kind: 'image-folder', path: 'target', flip: false },
      trainFraction: 0.5,
      phases: {
        source: { epochs: 1, batchSize: 6, learningRate: 0.002 },
        target: { epochs: 1, batchSize: 6, learningRate: 0.001 },
      },
      checkpointEvery: 1,
      evalTrainSamples: 10,
    },
    'resnet-e2e config',
    dir,
  );
  return trainRun({ config, db, runId, progress: null, log: () => {} });
}

/**
 * ResNet-20's monitored layers in model order, as the builder names them (stem, 18 block convolutions, 2 projection
 * shortcuts, fc): what a view of the trained run must list, read from the model rather than from the run. Builds the
 * model on the current backend, so call it after training has chosen one.
 */
export function resNet20MonitoredLayers(): string[] {
  const model = buildResNet20({ classCount: TRAINED_RESNET_CLASSES.length, seed: 1 });
  try {
    return describeModel(model).monitoredLayers;
  } finally {
    model.dispose();
  }
}
