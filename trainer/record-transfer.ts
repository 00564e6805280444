// `recordTransfer`: a tfjs callback that records a user's own `model.fit` / `fitDataset` into a transferscope
// store, one phase per fit, through the same snapshot recorder as the built-in trainer (one path into the store).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Logs } from '@tensorflow/tfjs-layers/dist/logs';
import { TransferscopeError } from '../core/errors.ts';
import { assertRunId } from '../core/params.ts';
import type { Phase, RunMeta } from '../core/protocol.ts';
import { Store } from '../store/store.ts';
import type { StorageOptions } from '../store/storage-options.ts';
import { memoryReader, type ImageReader } from '../datasets/image-reader.ts';
import { accuracy, predictClasses, sampleRows } from './evaluate.ts';
import { readModelWeights, layerShapesOf } from './layer-weights.ts';
import { describeModel } from './model-description.ts';
import { makeSnapshotRecorder, type SnapshotRecorder } from './snapshot-recorder.ts';
import { storedInstances } from './stored-instances.ts';
import { heartbeatIntervalMs } from './run-heartbeat.ts';

/** Labelled images: NHWC RGB in [0, 1], labels as class indices ([n]) or one-hot rows ([n, classes]). */
export interface LabelledImages {
  x: tf.Tensor4D;
  y: tf.Tensor1D | tf.Tensor2D;
}

export interface DomainData {
  /** Predicted every epoch (the confusion table, the instance view); stored with the run. */
  validation: LabelledImages;
  /** A sample of the training images the train accuracy is measured on; without it that accuracy is NaN. */
  train?: LabelledImages;
}

export interface RecordTransferOptions {
  /** The run's id; both phases' callbacks name the same run. */
  run: string;
  /** Which phase this fit is: 'source' (training on the source domain) or 'target' (fine-tuning). */
  phase: Phase;
  /** Label i means classNames[i], in both domains. */
  classNames: string[];
  source: DomainData;
  target: DomainData;
  /** A LanceDB URI (folder, s3://, gs://, az://); default `.transferscope/db`, what `transferscope serve` opens. */
  db?: string;
  storageOptions?: StorageOptions;
  /** Store the model's weights every k epochs (and always at the fit's last epoch); default 1. */
  checkpointEvery?: number;
  /** Monitored layers (Conv2D, DepthwiseConv2D, SeparableConv2D, Dense); default every one of them. */
  monitor?: string[];
  /** At most this many train images per domain are predicted each epoch for the train accuracies; default 500. */
  evalTrainSamples?: number;
  /** Shown as the run's config name; default the run id. */
  name?: string;
  log?: (line: string) => void;
}

/** The callback; `close` records a failed run and stops its heartbeat when `fit` threw (tfjs skips onTrainEnd then). */
export interface TransferRecorder extends tfl.Callback {
  close(status?: RunMeta['status'], error?: string): Promise<void>;
}

/** What a recorded run keeps as its `config`: it has no transferscope config file. */
export interface RecordedConfig {
  name: string;
  recordedBy: 'recordTransfer';
  checkpointEvery: number;
  evalTrainSamples: number;
}

/** A fit log's value: a number, or a scalar tensor tfjs has not read yet. */
async function logValue(value: number | tf.Scalar | undefined): Promise<number> {
  if (value === undefined) {
    return Number.NaN;
  }
  return typeof value === 'number' ? value : (await value.data())[0]!;
}

function readerOf(images: LabelledImages, classNames: string[], what: string): ImageReader {
  const [count, height, width, channels] = images.x.shape;
  const labels = images.y.rank === 2 ? tf.tidy(() => tf.argMax(images.y, 1)) : tf.cast(images.y, 'int32');
  const values = Int32Array.from(labels.dataSync());
  labels.dispose();
  if (channels !== 3 || values.length !== count) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `recordTransfer: ${what} has images of shape [${images.x.shape.join(', ')}] and ${values.length} labels; pass x as [n, height, width, 3] RGB in [0, 1] and n labels.`,
    );
  }
  const bad = values.find((c) => c < 0 || c >= classNames.length);
  if (bad !== undefined) {
    throw new TransferscopeError('INVALID_ARGUMENT', `recordTransfer: ${what} has label ${bad}, but classNames lists ${classNames.length} classes.`);
  }
  return memoryReader({ images: Float32Array.from(images.x.dataSync()), labels: values, count, height, width, classNames });
}

/**
 * A callback for `model.fit` / `model.fitDataset` that records each epoch of one phase into the store: the fit's
 * mean training loss, the accuracies on the data given here, both validation sets' predictions, and at checkpoints
 * every layer's weights. The first phase recorded creates the run (with its validation instances and the model's
 * topology); the 'target' phase's end marks it finished. The run shows live in `transferscope serve` meanwhile.
 */
export function recordTransfer(options: RecordTransferOptions): TransferRecorder {
  assertRunId(options.run);
  const checkpointEvery = options.checkpointEvery ?? 1;
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1) {
    throw new TransferscopeError('INVALID_ARGUMENT', `recordTransfer: checkpointEvery must be a whole number from 1 (got ${checkpointEvery}).`);
  }
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const evalTrainSamples = options.evalTrainSamples ?? 500;
  const readers = {
    source: { validation: readerOf(options.source.validation, options.classNames, 'source.validation'), train: options.source.train },
    target: { validation: readerOf(options.target.validation, options.classNames, 'target.validation'), train: options.target.train },
  };
  const trainReaders = {
    source: readers.source.train ? readerOf(readers.source.train, options.classNames, 'source.train') : null,
    target: readers.target.train ? readerOf(readers.target.train, options.classNames, 'target.train') : null,
  };
  let store: Store | null = null;
  let recorder: SnapshotRecorder | null = null;
  let beating: { stop(): Promise<void> } | null = null;
  let step = 0;
  let plannedEpochs = 0;
  let epochStarted = 0;
  let images = 0;

  const trainAccuracy = async (model: tfl.LayersModel, reader: ImageReader | null): Promise<number> => {
    if (!reader) {
      return Number.NaN;
    }
    const rows = sampleRows(reader.count, evalTrainSamples, step);
    const predicted = await predictClasses(model, reader, rows);
    return accuracy(
      predicted,
      Array.from(rows, (r) => reader.labels[r]!),
    );
  };

  const close = async (status?: RunMeta['status'], error?: string) => {
    if (status && recorder) {
      await recorder.finish(status, error);
    }
    await beating?.stop();
    beating = null;
    store?.close();
    store = null;
    recorder = null;
  };

  class RecordingCallback extends tfl.Callback implements TransferRecorder {
    close = close;

    override async onTrainBegin(): Promise<void> {
      const db = options.db ?? '.transferscope/db';
      store = await Store.open(db, { ...(options.storageOptions ? { storageOptions: options.storageOptions } : {}) });
      plannedEpochs = Number(this.params.epochs ?? 0);
      let meta: RunMeta;
      if (await store.runExists(options.run)) {
        meta = await store.getRun(options.run);
        if (meta.status === 'finished' || (meta.lastEpoch?.phase === 'target' && options.phase === 'source')) {
          throw new TransferscopeError(
            'RUN_EXISTS',
            `recordTransfer: run '${options.run}' is ${meta.status === 'finished' ? 'finished' : 'already fine-tuning'}; name a new run.`,
          );
        }
        if (meta.classNames.join('\n') !== options.classNames.join('\n')) {
          throw new TransferscopeError(
            'INVALID_ARGUMENT',
            `recordTransfer: run '${options.run}' was recorded with classes ${meta.classNames.join(', ')}; pass the same classNames to every phase.`,
          );
        }
        meta = { ...meta, status: 'running', plannedEpochs: { ...meta.plannedEpochs, [options.phase]: plannedEpochs } };
        await store.updateRun(meta);
        step = meta.lastEpoch?.step ?? 0;
      } else {
        const model = this.model;
        const now = Date.now();
        const config: RecordedConfig = { name: options.name ?? options.run, recordedBy: 'recordTransfer', checkpointEvery, evalTrainSamples };
        meta = {
          id: options.run,
          status: 'running',
          configName: config.name,
          backend: tf.getBackend(),
          createdAt: now,
          updatedAt: now,
          lastEpoch: null,
          config,
          classNames: options.classNames,
          seed: 0,
          datasetSizes: {
            sourceTrain: trainReaders.source?.count ?? 0,
            sourceValidation: readers.source.validation.count,
            targetTrain: trainReaders.target?.count ?? 0,
            targetValidation: readers.target.validation.count,
          },
          plannedEpochs: { source: options.phase === 'source' ? plannedEpochs : 0, target: options.phase === 'target' ? plannedEpochs : 0 },
          layers: layerShapesOf(model, describeModel(model, options.monitor).monitoredLayers),
          finishedAt: null,
          error: null,
        };
        await store.createRun(meta);
        await store.putRunModel(options.run, describeModel(model, options.monitor));
        await store.putInstances(options.run, [
          await storedInstances('source-validation', readers.source.validation),
          await storedInstances('target-validation', readers.target.validation),
        ]);
        log(`transferscope: run ${options.run} recorded in ${store.displayUri}`);
      }
      beating = await store.recovery.startBeating(options.run, heartbeatIntervalMs(), {
        onError: (message) => log(`transferscope: heartbeat of run ${options.run} not written (${message}); retrying`),
      });
      recorder = makeSnapshotRecorder(store, meta);
    }

    override async onEpochBegin(): Promise<void> {
      epochStarted = performance.now();
      images = 0;
      return Promise.resolve();
    }

    override async onBatchEnd(_batch: number, logs?: Logs): Promise<void> {
      images += Number(logs?.size ?? 0);
      return Promise.resolve();
    }

    override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
      const trainSeconds = (performance.now() - epochStarted) / 1000;
      const model = this.model;
      step += 1;
      const sourceValidationPredicted = await predictClasses(model, readers.source.validation);
      const targetValidationPredicted = await predictClasses(model, readers.target.validation);
      const checkpoint = (epoch + 1) % checkpointEvery === 0 || epoch + 1 === plannedEpochs;
      await recorder!.onEpochEnd!({
        phase: options.phase,
        epoch: epoch + 1,
        step,
        loss: await logValue(logs?.loss),
        trainSeconds,
        trainImagesPerSecond: trainSeconds > 0 ? images / trainSeconds : 0,
        evaluation: {
          accSourceTrain: await trainAccuracy(model, trainReaders.source),
          accTargetTrain: await trainAccuracy(model, trainReaders.target),
          accSourceValidation: accuracy(sourceValidationPredicted, readers.source.validation.labels),
          accTargetValidation: accuracy(targetValidationPredicted, readers.target.validation.labels),
          sourceValidationPredicted,
          targetValidationPredicted,
        },
        ...(checkpoint ? { weights: readModelWeights(model) } : {}),
      });
    }

    override async onTrainEnd(): Promise<void> {
      // A source phase leaves the run running: its fine-tuning is recorded next, by another callback.
      await close(options.phase === 'target' ? 'finished' : undefined);
    }
  }
  return new RecordingCallback();
}
