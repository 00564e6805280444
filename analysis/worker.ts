// An analysis worker: a process the monitor forks for one job (analyse a checkpoint, render a neuron's feature
// image, place extra points on a projection). It runs the job code in-process and talks to the monitor only through typed messages (process.send).
import { parseWorkerRequest, type WorkerReport, type WorkerRequest } from '../core/worker-protocol.ts';
import { TransferscopeError } from '../core/errors.ts';
import { storageOptionsFromEnv } from '../store/storage-options.ts';
import { BACKEND_CHOICES, type BackendChoice } from '../trainer/backend.ts';

type Job = Exclude<WorkerRequest, { type: 'cancel' }>;

/** Sends `report` and resolves once it is written to the channel, so an exit right after loses nothing. */
function report(message: WorkerReport): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) {
      resolve();
      return;
    }
    process.send!(message, undefined, {}, () => resolve());
  });
}

function parseBackend(backend: string | undefined): BackendChoice {
  const choice = backend ?? 'auto';
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Unknown backend '${choice.slice(0, 40)}': use one of ${BACKEND_CHOICES.join(', ')}.`);
  }
  return choice as BackendChoice;
}

async function run(job: Job): Promise<WorkerReport> {
  const { jobId } = job;
  const backend = parseBackend(job.backend);
  if (job.type === 'render-feature') {
    const { renderFeatureImage } = await import('./jobs/feature-image.ts');
    const png = await renderFeatureImage({ ...job, backend, storageOptions: storageOptionsFromEnv() });
    return { type: 'feature', jobId, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
  }
  if (job.type === 'project-extra') {
    const { projectExtraPoints } = await import('./jobs/projection-extra.ts');
    return { type: 'extra-points', jobId, points: await projectExtraPoints({ ...job, backend, storageOptions: storageOptionsFromEnv() }) };
  }
  const { analyzeCheckpoints } = await import('./jobs/analyze-checkpoints.ts');
  const pending: Promise<void>[] = [];
  const { computed, stored } = await analyzeCheckpoints({
    db: job.db,
    storageOptions: storageOptionsFromEnv(),
    runId: job.runId,
    backend,
    only: { phase: job.phase, epoch: String(job.epoch) },
    ...(job.kinds ? { kinds: job.kinds } : {}),
    ...(job.reference ? { reference: job.reference } : {}),
    ...(job.settings ? { settings: job.settings } : {}),
    log: (line) => pending.push(report({ type: 'progress', jobId, line })),
    // A joining request is answered as soon as its kind is stored, before the rest of the job ends.
    onReady: (kind, at) => pending.push(report({ type: 'stored', jobId, kind, phase: at.phase, epoch: at.epoch })),
  });
  await Promise.all(pending);
  return { type: 'done', jobId, computed, stored };
}

function failure(jobId: string, err: unknown): WorkerReport {
  if (err instanceof TransferscopeError) {
    return { type: 'failed', jobId, error: { code: err.code, message: err.message } };
  }
  // The stack stays on this process's stderr (the monitor keeps its tail); the monitor gets one line.
  console.error((err as Error).stack ?? String(err));
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
  return { type: 'failed', jobId, error: { code: 'INTERNAL', message } };
}

// A worker never outlives its monitor: a disconnected channel means the monitor is gone (even by SIGKILL).
process.on('disconnect', () => process.exit(1));

let job: Job | null = null;
process.on('message', (value: unknown) => {
  let request: WorkerRequest;
  try {
    request = parseWorkerRequest(value);
  } catch (err) {
    // No job to answer for: the monitor reads this line from stderr when the worker exits without a report.
    console.error((err as Error).message);
    process.exit(1);
  }
  if (request.type === 'cancel') {
    // Nothing is half-stored: each analysis is one LanceDB commit, and it is not made yet or made whole.
    process.exit(0);
  }
  if (job) {
    void report(failure(request.jobId, new TransferscopeError('INTERNAL', 'A worker runs one job; fork another for this one.')));
    return;
  }
  job = request;
  run(request)
    .then(
      (ending) => ending,
      (err: unknown) => failure(request.jobId, err),
    )
    .then(report)
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
});
