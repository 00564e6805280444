// One training run end to end: validated config in, a run in the store out. Used by the CLI's
// `train` and `demo` commands; `resume-run.ts` continues a killed run through `trainRecorded`.
import { existsSync } from 'node:fs';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LayerShape, RunMeta } from '../core/protocol.ts';
import { Store } from '../store/store.ts';
import type { StorageOptions } from '../store/storage-options.ts';
import { assertRunId } from '../core/params.ts';
import { TransferscopeError } from '../core/errors.ts';
import { describeDataReport } from '../datasets/data-report.ts';
import { checkConfigFiles, isAlexNetVariant, type TrainConfig } from './config.ts';
import { selectBackend, type BackendChoice } from './backend.ts';
import { checkPhaseLayers } from './config-phase.ts';
import { layerShapesOf } from './layer-weights.ts';
import { describeModel } from './model-description.ts';
import { buildRunModel } from './run-model.ts';
import { makeSnapshotRecorder } from './snapshot-recorder.ts';
import { makeProgressPrinter } from './progress.ts';
import { runTwoPhaseTraining, type TrainingCallbacks, type TrainingStart } from './train-loop.ts';
import { loadTrainingData } from './load-training-data.ts';
import { loadPretrainedModel } from './pretrained-import.ts';
import { storedInstances } from './stored-instances.ts';
import { heartbeatIntervalMs, withHeartbeat } from './run-heartbeat.ts';
import type { RunModel, StoredInstances } from '../store/schema/tables.ts';
import type { TrainingData } from './evaluate.ts';

export { loadTrainingData } from './load-training-data.ts';

export interface TrainOptions {
  config: TrainConfig;
  /** A LanceDB URI: a folder, or s3://, gs://, az:// with `storageOptions` or the usual environment variables. */
  db: string;
  storageOptions?: StorageOptions;
  runId?: string;
  backend?: BackendChoice;
  /** Progress lines go here; null silences them. */
  progress?: NodeJS.WriteStream | null;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** How often the run's heartbeat is written; TRANSFERSCOPE_HEARTBEAT_MS or 10 s by default. */
  heartbeatMs?: number;
}

/** What training a stored run needs besides its config, data and start. */
export type RecordingOptions = Pick<TrainOptions, 'progress' | 'signal'>;

function combine(...all: TrainingCallbacks[]): TrainingCallbacks {
  return {
    async onPhaseStart(phase, epochs, batches) {
      for (const c of all) {
        await c.onPhaseStart?.(phase, epochs, batches);
      }
    },
    onBatchEnd(info) {
      for (const c of all) {
        c.onBatchEnd?.(info);
      }
    },
    async onEpochEnd(info) {
      for (const c of all) {
        await c.onEpochEnd?.(info);
      }
    },
  };
}

export const defaultRunId = (config: TrainConfig) => `${config.name}-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;

export const logToStderr = (line: string) => process.stderr.write(`${line}\n`);

/** Both validation splits as the store keeps them for the views. */
export async function validationInstances(data: TrainingData): Promise<StoredInstances[]> {
  return [await storedInstances('source-validation', data.source.validation), await storedInstances('target-validation', data.target.validation)];
}

/** Loads both domains of `config`, logging how long it took and what was skipped. */
export async function loadLoggedData(config: TrainConfig, log: (line: string) => void): Promise<Awaited<ReturnType<typeof loadTrainingData>>> {
  const started = performance.now();
  const data = await loadTrainingData(config);
  log(
    `transferscope: data ready in ${((performance.now() - started) / 1000).toFixed(1)} s (source ${data.source.train.count}+${data.source.validation.count}, target ${data.target.train.count}+${data.target.validation.count}, ${data.source.train.classNames.length} classes)`,
  );
  if (data.report) {
    log(`transferscope: data: ${describeDataReport(data.report)}`);
  }
  return data;
}

/**
 * Trains the stored run `meta` from `start`, committing every epoch, and records how it ended; resolves with
 * the run's final metadata. Callers keep its heartbeat beating meanwhile (`withHeartbeat`).
 */
export async function trainRecorded(
  store: Store,
  meta: RunMeta,
  config: TrainConfig,
  data: TrainingData,
  start: TrainingStart,
  options: RecordingOptions,
): Promise<RunMeta> {
  const recorder = makeSnapshotRecorder(store, meta);
  const progress = options.progress === null ? {} : makeProgressPrinter(options.progress ?? process.stderr);
  try {
    await runTwoPhaseTraining(config, data, combine(recorder, progress), options.signal, start);
  } catch (err) {
    const aborted = options.signal?.aborted === true;
    await recorder.finish(aborted ? 'interrupted' : 'failed', aborted ? 'stopped by the user' : (err as Error).message);
    throw err;
  }
  await recorder.finish('finished');
  return await store.getRun(meta.id);
}

/**
 * What the run stores about its model (topology, monitored layers) and the monitored layers' shapes, from `source`
 * (an imported source model, kept) or a fresh model of the config's network. Throws one line for a monitored layer or
 * a learning-rate key the model does not have, before anything is stored.
 */
async function describeRunModel(config: TrainConfig, classCount: number, source?: tfl.LayersModel): Promise<{ model: RunModel; layers: LayerShape[] }> {
  const probe = source ?? (await buildRunModel(config, classCount));
  try {
    const model = describeModel(probe, config.monitor);
    checkPhaseLayers(config.phases, model.monitoredLayers);
    return { model, layers: layerShapesOf(probe, model.monitoredLayers) };
  } finally {
    if (probe !== source) {
      probe.dispose();
    }
  }
}

// Layer names do not depend on the class count (an imported classifier keeps its name when replaced).
const CHECK_CLASS_COUNT = 2;

/**
 * Builds the config's network once to check its monitored layers and learning-rate keys, as `trainRun` does before it
 * creates a store: for `demo`, which opens its store before its trainer child starts. AlexNet's are checked with the config.
 */
export async function checkRunModel(config: TrainConfig, backend: BackendChoice): Promise<void> {
  if (!isAlexNetVariant(config.model)) {
    // The backend the trainer will use: the plain CPU one would print tfjs' install hint on its first tensor.
    await selectBackend(backend);
    await describeRunModel(config, CHECK_CLASS_COUNT);
  }
}

/** Trains both phases into the store at `db`; resolves with the run's final metadata. */
export async function trainRun(options: TrainOptions): Promise<RunMeta> {
  const { config } = options;
  const log = options.log ?? logToStderr;
  const runId = options.runId ?? defaultRunId(config);
  assertRunId(runId);
  const heartbeatMs = options.heartbeatMs ?? heartbeatIntervalMs();
  // Everything the run needs is checked before a store is created: a run that cannot start leaves no local store
  // behind. An object-storage URI is opened at once (whether it exists costs a request either way).
  checkConfigFiles(config);
  const local = !/^[a-z][a-z0-9+.-]*:\/\//i.test(options.db);
  const openStore = () => Store.open(options.db, { storageOptions: options.storageOptions, removeUncommitted: true });
  // An existing store may already hold the id: refused before the data load, which can take minutes.
  let store = !local || existsSync(options.db) ? await openStore() : null;
  try {
    if (store && (await store.runExists(runId))) {
      throw new TransferscopeError(
        'RUN_EXISTS',
        `Run '${runId}' already exists in ${store.displayUri}. Pass another --run id, or omit --run to get a new one.`,
      );
    }
    const backend = await selectBackend(options.backend ?? 'auto');
    // Progress is printed once every input has loaded, so a run refused for its inputs prints its one error line only.
    const held: string[] = [];
    const data = await loadLoggedData(config, (line) => held.push(line));
    const classCount = data.source.train.classNames.length;
    let pretrained = config.pretrained ? await loadPretrainedModel({ ...config, pretrained: config.pretrained }, classCount) : undefined;
    let described: Awaited<ReturnType<typeof describeRunModel>>;
    try {
      described = await describeRunModel(config, classCount, pretrained?.model);
    } catch (err) {
      pretrained?.model.dispose();
      throw err;
    }
    const { model, layers } = described;
    log(`transferscope: backend ${backend.name}`);
    held.forEach((line) => log(line));
    if (pretrained) {
      log(
        `transferscope: source model from ${pretrained.info.path}${pretrained.info.headReplaced ? ` (${isAlexNetVariant(config.model) ? 'fc8' : 'classifier'} replaced: ${pretrained.info.pretrainedClasses} -> ${classCount} classes)` : ''}`,
      );
    }
    log(`transferscope: model ${config.model}, monitored layers ${model.monitoredLayers.join(', ')}`);
    try {
      store ??= await openStore();
      const now = Date.now();
      const meta: RunMeta = {
        id: runId,
        status: 'running',
        configName: config.name,
        backend: backend.name,
        createdAt: now,
        updatedAt: now,
        lastEpoch: null,
        config,
        classNames: data.source.train.classNames,
        seed: config.seed,
        datasetSizes: {
          sourceTrain: data.source.train.count,
          sourceValidation: data.source.validation.count,
          targetTrain: data.target.train.count,
          targetValidation: data.target.validation.count,
        },
        // A pretrained source model has one evaluation-only source epoch.
        plannedEpochs: { source: pretrained ? 1 : config.phases.source.epochs, target: config.phases.target.epochs },
        layers,
        finishedAt: null,
        error: null,
        ...(data.report ? { dataReport: data.report } : {}),
        ...(pretrained ? { pretrained: pretrained.info } : {}),
      };
      await store.createRun(meta);
      await store.putRunModel(runId, model);
      const writer = store;
      return await withHeartbeat(writer, runId, heartbeatMs, log, async () => {
        await writer.putInstances(runId, await validationInstances(data));
        log(`transferscope: run ${runId} stored in ${writer.displayUri}`);
        const source = pretrained?.model;
        pretrained = undefined;
        return await trainRecorded(writer, meta, config, data, source ? { pretrained: source } : {}, options);
      });
    } finally {
      // Still set only when something failed before training took the model over.
      pretrained?.model.dispose();
    }
  } finally {
    store?.close();
  }
}
