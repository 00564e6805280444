// One training run end to end: validated config in, a run in the store out. Used by the CLI's
// `train` and `demo` commands.
import type { RunMeta } from '../monitor/protocol.ts';
import { Store, assertRunId } from '../monitor/store/store.ts';
import { TransferscopeError } from '../monitor/errors.ts';
import type { StoredInstances, ValidationSplit } from '../monitor/schema/tables.ts';
import { loadMnistDigits, makeSyntheticDigits, splitDomain, type DomainSplit, type ImageSet } from '../datasets/index.ts';
import type { DomainSpec, TrainConfig } from './config.ts';
import { selectBackend, type BackendChoice } from './backend.ts';
import { buildAlexNet, INPUT_SIZE } from './alexnet.ts';
import { layerShapes } from './layer-weights.ts';
import { makeSnapshotRecorder } from './snapshot-recorder.ts';
import { makeProgressPrinter } from './progress.ts';
import { runTwoPhaseTraining, type TrainingCallbacks, type TrainingData } from './train-loop.ts';

export interface TrainOptions {
  config: TrainConfig;
  db: string;
  runId?: string;
  backend?: BackendChoice;
  /** Progress lines go here; null silences them. */
  progress?: NodeJS.WriteStream | null;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

function loadDomain(spec: DomainSpec, seed: number, size: number): ImageSet {
  return spec.kind === 'synthetic-digits'
    ? makeSyntheticDigits({ count: spec.count, seed, size })
    : loadMnistDigits({ count: spec.count, seed, size });
}

export function loadTrainingData(config: TrainConfig): TrainingData {
  if (config.model !== 'alexnet-32') {
    throw new TransferscopeError('INVALID_CONFIG', `Model '${config.model}' needs 227x227 image-folder domains; the embedded digit domains are 32x32, so use "model": "alexnet-32".`);
  }
  const size = INPUT_SIZE[config.model];
  const split = (set: ImageSet, seed: number): DomainSplit => splitDomain(set, { trainFraction: config.trainFraction, seed });
  return {
    source: split(loadDomain(config.source, config.seed, size), config.seed),
    target: split(loadDomain(config.target, config.seed + 1, size), config.seed + 1),
  };
}

function storedInstances(split: ValidationSplit, set: ImageSet): StoredInstances {
  const pixels = new Uint8Array(set.images.length);
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] = Math.round(Math.min(1, Math.max(0, set.images[i]!)) * 255);
  }
  return { split, labels: set.labels, height: set.height, width: set.width, pixels };
}

function combine(...all: TrainingCallbacks[]): TrainingCallbacks {
  return {
    async onPhaseStart(phase, epochs, batches) { for (const c of all) { await c.onPhaseStart?.(phase, epochs, batches); } },
    onBatchEnd(info) { for (const c of all) { c.onBatchEnd?.(info); } },
    async onEpochEnd(info) { for (const c of all) { await c.onEpochEnd?.(info); } },
  };
}

export const defaultRunId = (config: TrainConfig) =>
  `${config.name}-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;

/** Trains both phases into the store at `db`; resolves with the run's final metadata. */
export async function trainRun(options: TrainOptions): Promise<RunMeta> {
  const { config } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const runId = options.runId ?? defaultRunId(config);
  assertRunId(runId);
  const store = await Store.open(options.db);
  try {
    if (await store.runExists(runId)) {
      throw new TransferscopeError('RUN_EXISTS', `Run '${runId}' already exists in ${options.db}. Pass another --run id, or omit --run to get a new one.`);
    }
    const backend = await selectBackend(options.backend ?? 'auto');
    log(`transferscope: backend ${backend.name}`);
    const started = performance.now();
    const data = loadTrainingData(config);
    log(`transferscope: data ready in ${((performance.now() - started) / 1000).toFixed(1)} s (source ${data.source.train.count}+${data.source.validation.count}, target ${data.target.train.count}+${data.target.validation.count})`);
    const probe = buildAlexNet({ variant: config.model, classCount: data.source.train.classNames.length, seed: config.seed });
    const layers = layerShapes(probe);
    probe.dispose();
    const now = Date.now();
    const meta: RunMeta = {
      id: runId, status: 'running', configName: config.name, backend: backend.name, createdAt: now, updatedAt: now,
      lastEpoch: null, config, classNames: data.source.train.classNames, seed: config.seed,
      datasetSizes: {
        sourceTrain: data.source.train.count, sourceValidation: data.source.validation.count,
        targetTrain: data.target.train.count, targetValidation: data.target.validation.count,
      },
      plannedEpochs: { source: config.phases.source.epochs, target: config.phases.target.epochs },
      layers, finishedAt: null, error: null,
    };
    await store.createRun(meta);
    await store.putInstances(runId, [
      storedInstances('source-validation', data.source.validation),
      storedInstances('target-validation', data.target.validation),
    ]);
    log(`transferscope: run ${runId} stored in ${options.db}`);
    const recorder = makeSnapshotRecorder(store, meta);
    const progress = options.progress === null ? {} : makeProgressPrinter(options.progress ?? process.stderr);
    try {
      await runTwoPhaseTraining(config, data, combine(recorder, progress), options.signal);
    } catch (err) {
      const aborted = options.signal?.aborted === true;
      await recorder.finish(aborted ? 'interrupted' : 'failed', aborted ? 'stopped by the user' : (err as Error).message);
      throw err;
    }
    await recorder.finish('finished');
    return await store.getRun(runId);
  } finally {
    store.close();
  }
}
