// `train --resume RUN`: continues a run whose trainer was killed or stopped, from its last committed
// checkpoint, with the weights and optimiser state stored there, in the same store under the same id.
import type { EpochRecord, RunMeta } from '../core/protocol.ts';
import { Store } from '../store/store.ts';
import { assertRunId } from '../core/params.ts';
import { TransferscopeError } from '../core/errors.ts';
import { validateConfig, type TrainConfig } from './config.ts';
import { selectBackend } from './backend.ts';
import { loadPretrainedModel } from './pretrained-import.ts';
import { heartbeatIntervalMs, withHeartbeat } from './run-heartbeat.ts';
import { endsPhase, type ResumePoint } from './train-loop.ts';
import type { TrainingData } from './evaluate.ts';
import { loadLoggedData, logToStderr, trainRecorded, validationInstances, type TrainOptions } from './run-training.ts';

export interface ResumeOptions extends Pick<TrainOptions, 'db' | 'storageOptions' | 'backend' | 'progress' | 'signal' | 'log' | 'heartbeatMs'> {
  runId: string;
}

const refuse = (message: string) => new TransferscopeError('INVALID_ARGUMENT', message);

/** Throws unless `meta` (with its derived status) is a run a resume may take over. */
async function assertResumable(store: Store, meta: RunMeta): Promise<void> {
  if (meta.status === 'finished') {
    throw refuse(`Run '${meta.id}' finished; there is nothing to resume. Start a new run with 'transferscope train --config FILE'.`);
  }
  if (meta.status === 'running') {
    const beat = await store.recovery.lastHeartbeat(meta);
    throw refuse(
      `Run '${meta.id}' is still running (its trainer's last heartbeat was ${((Date.now() - beat.at) / 1000).toFixed(0)} s ago). Stop that trainer first, or wait until the run shows 'interrupted'.`,
    );
  }
}

/** Throws unless the data loaded now is what the run was trained on (same classes, same split sizes). */
function assertSameData(meta: RunMeta, data: TrainingData): void {
  const now = {
    sourceTrain: data.source.train.count,
    sourceValidation: data.source.validation.count,
    targetTrain: data.target.train.count,
    targetValidation: data.target.validation.count,
  };
  const changed = (Object.keys(now) as (keyof typeof now)[]).find((k) => now[k] !== meta.datasetSizes[k]);
  if (changed !== undefined || data.source.train.classNames.join('\n') !== meta.classNames.join('\n')) {
    const detail = changed === undefined ? 'its classes differ' : `${changed}: ${meta.datasetSizes[changed]} images then, ${now[changed]} now`;
    throw refuse(`The data of run '${meta.id}' changed since it started (${detail}); a resume needs the same data. Start a new run instead.`);
  }
}

/** The newest committed checkpoint, or null when the run died before its first one. */
const lastCheckpoint = (epochs: EpochRecord[]) => epochs.filter((e) => e.checkpoint).at(-1) ?? null;

/**
 * Continues run `runId` in the store at `db` after its last committed checkpoint; epochs committed after that
 * checkpoint are deleted first, and a run without any checkpoint starts over. Refuses (INVALID_ARGUMENT) a
 * finished run or one whose trainer is alive, and RUN_NOT_FOUND an unknown run. Resolves with the final metadata.
 */
export async function resumeRun(options: ResumeOptions): Promise<RunMeta> {
  const log = options.log ?? logToStderr;
  const { runId } = options;
  assertRunId(runId);
  const heartbeatMs = options.heartbeatMs ?? heartbeatIntervalMs();
  const store = await Store.open(options.db, { storageOptions: options.storageOptions, removeUncommitted: true });
  try {
    const stored = await store.getRun(runId);
    await assertResumable(store, stored);
    const config: TrainConfig = validateConfig(stored.config, `the stored config of run '${runId}'`);
    const checkpoint = lastCheckpoint(await store.listEpochs(runId));
    return await withHeartbeat(store, runId, heartbeatMs, log, async () => {
      const backend = await selectBackend(options.backend ?? 'auto');
      log(`transferscope: backend ${backend.name}`);
      const data = await loadLoggedData(config, log);
      assertSameData(stored, data);
      // Only once the run can really continue: a refused resume leaves every committed epoch in place.
      const discarded = await store.recovery.discardEpochsAfter(runId, checkpoint?.step ?? 0);
      if ((await store.getLabels(runId, 'source-validation')).length === 0) {
        // The trainer died before its validation instances were stored (they are written in one commit).
        await store.putInstances(runId, await validationInstances(data));
      }
      let resume: ResumePoint | undefined;
      if (checkpoint) {
        const key = { runId, phase: checkpoint.phase, epoch: checkpoint.epoch };
        resume = { at: checkpoint, weights: await store.getWeights(key), optimizerState: await store.recovery.getOptimizerState(key) };
        if (!endsPhase(config, checkpoint) && resume.optimizerState === null) {
          log(
            `transferscope: checkpoint ${checkpoint.phase} ${checkpoint.epoch} has no stored optimiser state (a run from an older version); Adam restarts from zero moments`,
          );
        }
      }
      const pretrained =
        !checkpoint && config.pretrained
          ? (await loadPretrainedModel({ ...config, pretrained: config.pretrained }, data.source.train.classNames.length)).model
          : undefined;
      log(
        `transferscope: resuming run ${runId} ${checkpoint ? `after checkpoint ${checkpoint.phase} ${checkpoint.epoch} (step ${checkpoint.step})` : 'from the start (no checkpoint was committed)'}${discarded > 0 ? `; ${discarded} later epochs discarded` : ''}`,
      );
      const meta: RunMeta = {
        ...stored,
        status: 'running',
        backend: backend.name,
        updatedAt: Date.now(),
        finishedAt: null,
        error: null,
        lastEpoch: checkpoint ? { phase: checkpoint.phase, epoch: checkpoint.epoch, step: checkpoint.step } : null,
      };
      await store.updateRun(meta);
      return await trainRecorded(store, meta, config, data, { ...(resume ? { resume } : {}), ...(pretrained ? { pretrained } : {}) }, options);
    });
  } finally {
    store.close();
  }
}
