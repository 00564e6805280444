// The two-phase training loop: train a source model on the source domain, then fine-tune a copy of it
// on the target domain. The loop only trains, evaluates and runs callbacks; recording and progress are
// callbacks. Tensors never leave this folder: callbacks get numbers and typed arrays.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { EpochRef, Phase } from '../core/protocol.ts';
import type { LayerWeights } from '../store/schema/tables.ts';
import type { OptimizerState } from '../store/schema/recovery-tables.ts';
import type { ImageReader } from '../datasets/image-reader.ts';
import type { TrainConfig } from './config.ts';
import { buildRunModel } from './run-model.ts';
import { monitoredLayersOf } from './model-description.ts';
import { evaluateEpoch, meanLoss, sampleRows, type EpochEvaluation, type TrainingData } from './evaluate.ts';

import { makePhaseOptimizer, type PhaseOptimizer } from './layer-optimizers.ts';
import { readBatches } from './read-batches.ts';
import { readModelWeights, writeModelWeights } from './layer-weights.ts';
import { epochRandom } from './epoch-random.ts';
import type { SeededRandom } from '../lib/random/index.ts';

export interface BatchEnd {
  phase: Phase;
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  imagesPerSecond: number;
}

export interface EpochEnd {
  phase: Phase;
  epoch: number;
  /** 1-based over both phases. */
  step: number;
  loss: number;
  trainSeconds: number;
  trainImagesPerSecond: number;
  evaluation: EpochEvaluation;
  /** Every layer's weights (each layer that has any, batch norms included), present at checkpoints only. */
  weights?: LayerWeights[];
  /** The optimiser's state, present at checkpoints before the last epoch of a phase (what a resume continues with). */
  optimizerState?: OptimizerState;
}

/** Where a resumed run continues: its last committed checkpoint. */
export interface ResumePoint {
  at: EpochRef;
  weights: LayerWeights[];
  /** The optimiser state stored with it; null at a phase's last epoch (the next phase starts a fresh Adam). */
  optimizerState: OptimizerState | null;
}

/** How training starts: from scratch, from an imported source model, or from a checkpoint of a killed run. */
export interface TrainingStart {
  /** Taken over (and disposed) by the loop: the source phase only evaluates it. */
  pretrained?: tfl.LayersModel;
  resume?: ResumePoint;
}

export interface TrainingCallbacks {
  onPhaseStart?(phase: Phase, epochs: number, batchesPerEpoch: number): void | Promise<void>;
  onBatchEnd?(info: BatchEnd): void;
  onEpochEnd?(info: EpochEnd): void | Promise<void>;
}

/** One optimiser step on a batch (x: NHWC images, y: one-hot labels); resolves with the batch's mean loss. */
export async function trainBatch(model: tfl.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor2D): Promise<number> {
  const cost = optimizer.minimize(() => {
    const logits = model.apply(x, { training: true }) as tf.Tensor2D;
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  }, true)!;
  const loss = (await cost.data())[0]!;
  cost.dispose();
  return loss;
}

async function trainEpoch(
  optimizer: PhaseOptimizer,
  reader: ImageReader,
  batchSize: number,
  rng: SeededRandom,
  augment: SeededRandom | undefined,
  report: (batch: number, batches: number, loss: number, seconds: number) => void,
  signal?: AbortSignal,
): Promise<{ loss: number; seconds: number }> {
  const order = Int32Array.from({ length: reader.count }, (_, i) => i);
  rng.shuffle(order);
  const batches = Math.ceil(reader.count / batchSize);
  const classCount = reader.classNames.length;
  const started = performance.now();
  let lossSum = 0;
  let b = 0;
  for await (const { pixels, from, to } of readBatches(reader, order, batchSize, augment)) {
    signal?.throwIfAborted();
    const n = to - from;
    const x = tf.tensor4d(pixels, [n, reader.height, reader.width, 3]);
    const y = tf.tidy(
      () =>
        tf.oneHot(
          tf.tensor1d(
            Int32Array.from(order.subarray(from, to), (r) => reader.labels[r]!),
            'int32',
          ),
          classCount,
        ) as tf.Tensor2D,
    );
    const loss = await optimizer.step(x, y);
    tf.dispose([x, y]);
    lossSum += loss * n;
    b += 1;
    report(b, batches, loss, (performance.now() - started) / 1000);
  }
  return { loss: lossSum / reader.count, seconds: (performance.now() - started) / 1000 };
}

/** The source phase of a run that imports its source model: one evaluation-only epoch, a checkpoint. */
async function evaluatePretrained(model: tfl.LayersModel, config: TrainConfig, data: TrainingData, callbacks: TrainingCallbacks): Promise<void> {
  await callbacks.onPhaseStart?.('source', 1, 0);
  const evaluation = await evaluateEpoch(model, data, config.evalTrainSamples, config.seed + 1);
  const loss = await meanLoss(model, data.source.train, sampleRows(data.source.train.count, config.evalTrainSamples, config.seed + 1));
  await callbacks.onEpochEnd?.({
    phase: 'source',
    epoch: 1,
    step: 1,
    loss,
    trainSeconds: 0,
    trainImagesPerSecond: 0,
    evaluation,
    weights: readModelWeights(model),
  });
}

/** True when `at` is its phase's last epoch, so the next phase starts from its weights with a fresh optimiser. */
export function endsPhase(config: TrainConfig, at: Pick<EpochRef, 'phase' | 'epoch'>): boolean {
  // An imported source model's only source epoch is its evaluation.
  return at.epoch >= config.phases[at.phase].epochs || (at.phase === 'source' && config.pretrained !== undefined);
}

/** The phases still to train after `resume`, and whether the checkpoint ends its phase. */
function remainingPhases(config: TrainConfig, resume: ResumePoint): { phases: Phase[]; endsPhase: boolean } {
  const { phase } = resume.at;
  const ends = endsPhase(config, resume.at);
  if (phase === 'target') {
    return { phases: ends ? [] : ['target'], endsPhase: ends };
  }
  return { phases: ends ? ['target'] : ['source', 'target'], endsPhase: ends };
}

/**
 * Runs both phases. Epoch callbacks are awaited before the next epoch starts, so a recorder's commit
 * is durable before training moves on. `signal` stops training between batches. With `start.resume`
 * training continues after that checkpoint with its weights and optimiser state; each epoch's data
 * order depends only on (seed, phase, epoch), so the epochs after it match an uninterrupted run's.
 */
export async function runTwoPhaseTraining(
  config: TrainConfig,
  data: TrainingData,
  callbacks: TrainingCallbacks,
  signal?: AbortSignal,
  start: TrainingStart = {},
): Promise<void> {
  const classCount = data.source.train.classNames.length;
  const build = () => buildRunModel(config, classCount);
  const { pretrained, resume } = start;
  let step = 0;
  let previous: tfl.LayersModel | null = null;
  // The checkpoint's model when training continues inside the checkpoint's phase.
  let continued: { model: tfl.LayersModel; resume: ResumePoint } | null = null;
  let phases: Phase[] = ['source', 'target'];
  if (resume) {
    pretrained?.dispose();
    const model = await build();
    writeModelWeights(model, resume.weights);
    const remaining = remainingPhases(config, resume);
    phases = remaining.phases;
    step = resume.at.step;
    if (remaining.endsPhase) {
      previous = model;
    } else {
      continued = { model, resume };
    }
  } else if (pretrained) {
    await evaluatePretrained(pretrained, config, data, callbacks);
    previous = pretrained;
    step = 1;
    phases = ['target'];
  }
  for (const phase of phases) {
    const settings = config.phases[phase];
    let model: tfl.LayersModel;
    let firstEpoch = 1;
    if (continued?.resume.at.phase === phase) {
      model = continued.model;
      firstEpoch = continued.resume.at.epoch + 1;
    } else {
      model = await build();
      if (previous) {
        // Fine-tuning starts from every weight of the final source model. The copies share the source
        // variables' data, so the source model can go now: at 227x227 it holds 230 MB of WASM heap.
        model.setWeights(previous.getWeights());
        previous.dispose();
        previous = null;
      }
    }
    const optimizer = makePhaseOptimizer(model, settings, monitoredLayersOf(model, config.monitor));
    const trainSet = data[phase].train;
    try {
      if (continued?.resume.at.phase === phase && continued.resume.optimizerState) {
        await optimizer.restoreState(continued.resume.optimizerState);
      }
      await callbacks.onPhaseStart?.(phase, settings.epochs, Math.ceil(trainSet.count / settings.batchSize));
      for (let epoch = firstEpoch; epoch <= settings.epochs; epoch++) {
        step += 1;
        const shuffle = epochRandom(config.seed, phase, epoch, 'shuffle');
        const augment = settings.augment ? epochRandom(config.seed, phase, epoch, 'augment') : undefined;
        const { loss, seconds } = await trainEpoch(
          optimizer,
          trainSet,
          settings.batchSize,
          shuffle,
          augment,
          (batch, batches, batchLoss, elapsed) => {
            callbacks.onBatchEnd?.({
              phase,
              epoch,
              batch,
              batches,
              loss: batchLoss,
              imagesPerSecond: Math.min(batch * settings.batchSize, trainSet.count) / elapsed,
            });
          },
          signal,
        );
        const evaluation = await evaluateEpoch(model, data, config.evalTrainSamples, config.seed + step);
        const isCheckpoint = epoch % config.checkpointEvery === 0 || epoch === settings.epochs;
        await callbacks.onEpochEnd?.({
          phase,
          epoch,
          step,
          loss,
          trainSeconds: seconds,
          trainImagesPerSecond: trainSet.count / seconds,
          evaluation,
          ...(isCheckpoint ? { weights: readModelWeights(model) } : {}),
          ...(isCheckpoint && epoch < settings.epochs ? { optimizerState: await optimizer.readState() } : {}),
        });
      }
    } catch (err) {
      optimizer.dispose();
      model.dispose();
      previous?.dispose();
      throw err;
    }
    optimizer.dispose();
    previous = model;
  }
  previous?.dispose();
}
