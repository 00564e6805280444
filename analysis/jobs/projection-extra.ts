// Instances the DVI visualisation model was not fitted on, placed on a checkpoint's stored projection (issue 14,
// item 3): a training split's images of the chosen classes through the checkpoint to its flatten layer, then
// through the stored encoder. No refit: DVI's encoder is parametric, which is what t-SNE cannot offer.
import type { ExtraPointSet, ExtraPointsResponse } from '../../core/projection-protocol.ts';
import type { Phase } from '../../core/protocol.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { encode } from '../../lib/dvi/index.ts';
import { Store } from '../../store/store.ts';
import type { StorageOptions } from '../../store/storage-options.ts';
import { selectBackend, type BackendChoice } from '../../trainer/backend.ts';
import { validateConfig } from '../../trainer/config.ts';
import { loadTrainingData } from '../../trainer/load-training-data.ts';
import { checkpointClassifier } from './checkpoint-classifier.ts';
import { firstPerClass } from './first-per-class.ts';
import { checkpointModel, isRecordedRun, runArchitecture } from './checkpoint-model.ts';
import { readVisualisationModel } from './stored-visualisation-model.ts';

export interface ExtraPointsRequest {
  db: string;
  storageOptions?: StorageOptions;
  runId: string;
  phase: Phase;
  epoch: number;
  set: ExtraPointSet;
  /** Distinct class indices, each below the run's class count (the route validates them). */
  classes: readonly number[];
  backend?: BackendChoice;
}

/** At most this many instances per class: the projection's own cap is 1,500 over 2 domains x 10 classes (75 each). */
export const EXTRA_PER_CLASS = 150;
/** Images per forward pass, as the projection stage batches them. */
const CHUNK = 256;
const round = (v: number): number => Number(v.toPrecision(4));

/** The positions of `request.set`'s instances of `request.classes` under the checkpoint's stored projection. */
export async function projectExtraPoints(request: ExtraPointsRequest): Promise<ExtraPointsResponse> {
  const { runId, phase, epoch, set } = request;
  const store = await Store.open(request.db, { storageOptions: request.storageOptions });
  try {
    const run = await store.getRun(runId);
    const classCount = run.classNames.length;
    const classes = [...new Set(request.classes)].sort((a, b) => a - b);
    const outside = classes.find((c) => !Number.isInteger(c) || c < 0 || c >= classCount);
    if (outside !== undefined) {
      throw new TransferscopeError('INVALID_ARGUMENT', `Class ${outside} does not exist: run '${runId}' has classes 0-${classCount - 1}.`);
    }
    const key = { runId, phase, epoch, referencePhase: null, referenceEpoch: null };
    const projection = await store.getAnalysis('projection', key);
    if (projection === null) {
      throw new TransferscopeError(
        'EPOCH_NOT_FOUND',
        `The ${phase} epoch ${epoch} of run '${runId}' has no stored projection yet; request …/projection first.`,
      );
    }
    if (isRecordedRun(run)) {
      // A recorded run's training data lives in the user's script; only the validation sets were stored.
      throw new TransferscopeError(
        'INVALID_ARGUMENT',
        `Run '${runId}' was recorded from your own script, so its training instances are not stored; only its validation instances can be shown.`,
      );
    }
    const config = validateConfig(run.config, `run '${runId}'`);
    const data = await loadTrainingData(config);
    const reader = (set === 'target-train' ? data.target : data.source).train;
    const chosen = new Set(classes);
    const rows = firstPerClass(reader.labels, classCount, EXTRA_PER_CLASS, new Set())
      .flat()
      .filter((i) => chosen.has(reader.labels[i]!))
      .sort((a, b) => a - b);
    await selectBackend(request.backend ?? 'auto');
    const model = await checkpointModel(await runArchitecture(store, run), classCount, await store.getWeights({ runId, phase, epoch }));
    try {
      const classifier = checkpointClassifier(model, projection.settings.layer);
      const visualisation = readVisualisationModel(projection.model);
      const representation = new Float32Array(rows.length * classifier.dimensions);
      const predicted: number[] = [];
      for (let from = 0; from < rows.length; from += CHUNK) {
        const part = rows.slice(from, from + CHUNK);
        const images = await reader.read(part);
        representation.set(await classifier.representImages(images, part.length), from * classifier.dimensions);
        const probabilities = await classifier.classifyImages(images, part.length);
        for (let r = 0; r < part.length; r++) {
          const scores = probabilities.subarray(r * classCount, (r + 1) * classCount);
          predicted.push(scores.indexOf(Math.max(...scores)));
        }
      }
      const layout = await encode(visualisation, representation);
      return {
        runId,
        phase,
        epoch,
        set,
        classes,
        perClassCap: EXTRA_PER_CLASS,
        count: rows.length,
        index: rows,
        label: rows.map((i) => reader.labels[i]!),
        predicted,
        x: rows.map((_, r) => round(layout[2 * r]!)),
        y: rows.map((_, r) => round(layout[2 * r + 1]!)),
      };
    } finally {
      model.dispose();
    }
  } finally {
    store.close();
  }
}
