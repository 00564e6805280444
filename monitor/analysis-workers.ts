// The monitor's pool of analysis workers: every missing analysis of a checkpoint, and every neuron feature image,
// runs in a forked worker process (analysis/worker.ts): the tensor work takes seconds to minutes, which in the
// server's own event loop would freeze the API and live updates. Workers report through typed messages only.
import type { LayerName, Phase } from '../core/protocol.ts';
import type { ExtraPointSet, ExtraPointsResponse } from '../core/projection-protocol.ts';
import { ANALYSIS_KINDS, type AnalysisKind, type AnalysisSettingsName } from '../core/analysis-protocol.ts';
import { withNeeds, type ChosenReference } from '../core/analysis-keys.ts';
import { TransferscopeError } from '../core/errors.ts';
import { makeSharedRequests } from '../core/shared-requests.ts';
import { makeConcurrencyLimit } from './concurrency-limit.ts';
import { makeWorkerProcesses, type FinalReport, type WorkerJob } from './worker-processes.ts';
import { childEnv, type StoreLocation } from '../store/storage-options.ts';

export interface CheckpointRef {
  runId: string;
  phase: Phase;
  epoch: number;
}

export interface AnalyzeOptions {
  /** Only these kinds (default: all). A request names its kind, so a few-second instance layout never waits for a minute-long network abstraction. */
  kinds?: readonly AnalysisKind[];
  /** The HTTP request's signal, aborted when the browser gives up on it: withdraws the call (see makeAnalysisWorkers). */
  signal?: AbortSignal;
  /** Called as each kind is stored (or turns out to have nothing to compute), for progress reports. */
  onReady?: (kind: AnalysisKind) => void;
  /** The comparing kinds' reference instead of the default one (`analyze --reference`). */
  reference?: ChosenReference;
  /** The paper's settings instead of the live estimate: waits behind every live kind (see analyzeInOneJob). */
  settings?: AnalysisSettingsName;
}

/** Resolves once every kind of analysis of the checkpoint (or only `options.kinds`) is stored, or rejects with why not. */
export type AnalyzeCheckpoint = (checkpoint: CheckpointRef, options?: AnalyzeOptions) => Promise<void>;

export interface FeatureImageRef extends CheckpointRef {
  layer: LayerName;
  neuron: number;
}

/** PNG bytes of a neuron's feature image; rejects with BUSY when too many renders already wait. */
export type RenderFeatureImage = (neuron: FeatureImageRef, signal?: AbortSignal) => Promise<Uint8Array>;

export interface ExtraPointsRef extends CheckpointRef {
  set: ExtraPointSet;
  classes: number[];
}

/** A training split's instances placed on the checkpoint's stored projection; rejects with BUSY when too many wait. */
export type ProjectExtraPoints = (request: ExtraPointsRef, signal?: AbortSignal) => Promise<ExtraPointsResponse>;

export interface AnalysisWorkers {
  analyze: AnalyzeCheckpoint;
  renderFeatureImage: RenderFeatureImage;
  projectExtraPoints: ProjectExtraPoints;
  /** Worker processes forked so far: a request refused before any work shows as none. */
  readonly startedJobs: number;
  /**
   * How many workers may run at once from now on: more once training is over and its core is free, fewer when a
   * trainer starts (the least urgent running workers are then paused until they fit).
   */
  setMaxWorkers(max: number): void;
  /**
   * Cancels the running workers and waits for them to exit; waiting and later calls reject. A killed worker
   * leaves nothing half-stored (a LanceDB write is one commit), and the next request computes it again.
   */
  close(): Promise<void>;
}

/**
 * At most this many workers run at once; the rest wait in order. Scrubbing fast through checkpoints that were
 * never analysed asks for several kinds at each, and unbounded workers (each a minute of tensor work) starved
 * the API itself: the dashboard-latency bench timed out on a confusion table. Two, not one, so a view's cheap
 * request is not always stuck behind the background queue's minute-long network abstraction.
 */
export const MAX_ANALYSIS_WORKERS = 2;

/** Feature renders waiting for a worker beyond this are refused (503): a ranking list asks for dozens at once. */
export const MAX_WAITING_FEATURE_RENDERS = 8;

/**
 * A feature image is a view's request of a second or two: it goes before every analysis kind (whose priorities
 * are their places in ANALYSIS_KINDS), pausing at most MAX_WAITING_FEATURE_RENDERS renders' worth of one.
 */
const FEATURE_IMAGE_PRIORITY = -1;

/** A job in flight: which kinds it computes and which of them are stored so far. */
interface JobProgress {
  kinds: readonly AnalysisKind[];
  ready: Set<AnalysisKind>;
  onReady: Set<() => void>;
  /** Whether it holds (or held) a slot: from then on it runs to the end, whoever still waits for it. */
  started: boolean;
  /** Settles when the job ends, as its callers see it. */
  settled: Promise<void>;
}

/** Resolves when every `wanted` kind is ready; reports each newly ready wanted kind to `onReady` meanwhile. */
const readyAll = (progress: JobProgress, wanted: readonly AnalysisKind[], onReady?: (kind: AnalysisKind) => void) =>
  new Promise<void>((resolve) => {
    const reported = new Set<AnalysisKind>();
    const check = (): void => {
      for (const kind of wanted.filter((k) => progress.ready.has(k) && !reported.has(k))) {
        reported.add(kind);
        onReady?.(kind);
      }
      if (reported.size === wanted.length) {
        progress.onReady.delete(check);
        resolve();
      }
    };
    progress.onReady.add(check);
    check();
  });

/**
 * Analysis workers against the store at `db`, one job per forked process.
 *
 * Concurrent calls never compute one analysis twice: a call whose kinds a job in flight for the same checkpoint
 * computes (the background queue's job computes all of them) joins that job and resolves as soon as the worker
 * reports its kinds stored, so the instance view does not wait for the network stage that follows. Otherwise
 * the call gets a job of its own.
 *
 * When every caller of a waiting job has withdrawn (the user scrubbed past the checkpoint), it leaves the line,
 * so the checkpoint now on screen does not wait behind abandoned ones. A job that already started is left to
 * finish: its result is stored and reused (a call arriving meanwhile waits for it), and killing it would throw away
 * up to a minute of work.
 *
 * Jobs wait in line by kind (feature images, then network, instances, features: see ANALYSIS_KINDS). When every
 * slot is held and a more urgent job arrives, the least urgent running worker is paused (SIGSTOP) and continues
 * once a slot is free: with the demo's one slot, a new checkpoint's network abstraction no longer waits for an
 * older checkpoint's features.
 */
export function makeAnalysisWorkers(store: string | StoreLocation, maxWorkers = MAX_ANALYSIS_WORKERS): AnalysisWorkers {
  // Explicit storage options reach the workers through their environment, never their command line or messages.
  const location: StoreLocation = typeof store === 'string' ? { uri: store } : store;
  const db = location.uri;
  const limit = makeConcurrencyLimit(maxWorkers);
  const processes = makeWorkerProcesses(childEnv(location));
  const shared = makeSharedRequests<void>();
  const inFlight = new Map<string, JobProgress>();
  let jobs = 0;
  let waitingRenders = 0;

  const analyze: AnalyzeCheckpoint = async (at, options = {}) => {
    // Named kinds run as one job each (a kind's needs first: features need the network abstraction), so each
    // waits in line with its own kind's priority. All kinds (none named) go to one job.
    if (!options.kinds) {
      return analyzeInOneJob(at, options);
    }
    for (const kind of withNeeds(options.kinds)) {
      await analyzeInOneJob(at, { ...options, kinds: [kind], onReady: options.kinds.includes(kind) ? options.onReady : undefined });
    }
  };

  const analyzeInOneJob: AnalyzeCheckpoint = (at, options = {}) => {
    const { kinds, signal, onReady, reference } = options;
    const settings = options.settings ?? 'live';
    // Jobs against another reference or at other settings compute other results: they never cover each other.
    const checkpoint = `${at.runId}/${at.phase}/${at.epoch}/${reference ? `${reference.phase}:${reference.epoch}` : ''}/${settings}/`;
    const wanted = kinds ?? ANALYSIS_KINDS;
    // What the job will compute: a features job computes the network abstraction first.
    const computes = withNeeds(wanted);
    const covering = [...inFlight].find(([id, p]) => id.startsWith(checkpoint) && wanted.every((k) => p.kinds.includes(k)));
    const id = covering?.[0] ?? checkpoint + (kinds?.join(',') ?? '*');
    const startJob = (shareSignal: AbortSignal): Promise<void> => {
      const progress: JobProgress = { kinds: computes, ready: new Set(), onReady: new Set(), started: false, settled: Promise.resolve() };
      inFlight.set(id, progress);
      // Every caller withdrew: a job still waiting leaves the line now (the limit drops it on this same signal), so
      // it is never found again as covering anything. A started job stays: it runs on and stores its kinds.
      shareSignal.addEventListener(
        'abort',
        () => {
          if (!progress.started && inFlight.get(id) === progress) {
            inFlight.delete(id);
          }
        },
        { once: true },
      );
      // Network abstractions first: the line runs the paper's core view of the newest checkpoint before
      // cheaper or lower kinds of any checkpoint. The priority is the most urgent wanted kind's place in
      // ANALYSIS_KINDS, not that of its needs: `analyze` runs those in a job of their own first, so a
      // features job has nothing else left to compute (ranked as network, it was never paused for instances).
      // A refinement to the paper's settings ranks below every live kind: it only improves what a view shows.
      const priority = Math.min(...wanted.map((kind) => ANALYSIS_KINDS.indexOf(kind))) + (settings === 'paper' ? ANALYSIS_KINDS.length : 0);
      const job = {
        type: 'analyse' as const,
        jobId: `analyse-${++jobs}`,
        db,
        ...at,
        ...(kinds ? { kinds: [...kinds] } : {}),
        ...(reference ? { reference } : {}),
        ...(settings === 'paper' ? { settings } : {}),
      };
      progress.settled = limit(
        (slot) => {
          progress.started = true;
          return processes.run(job, slot, (report) => {
            if (report.type === 'stored' && report.phase === at.phase && report.epoch === at.epoch) {
              progress.ready.add(report.kind);
              progress.onReady.forEach((notify) => notify());
            }
          });
        },
        shareSignal,
        priority,
      )
        .then(() => {})
        .finally(() => {
          if (inFlight.get(id) === progress) {
            inFlight.delete(id);
          }
        });
      return progress.settled;
    };
    // A covering job whose callers all withdrew while it ran has no shared request left: this call then waits for
    // that same job again. Starting one here would start a job of this call's kinds under the covering job's id,
    // and a later call for the covering job's kinds would join it and be answered before its kinds were stored.
    const whole = shared(id, covering ? () => covering[1].settled : startJob, signal);
    const progress = covering?.[1] ?? inFlight.get(id);
    if (!progress) {
      return whole; // refused at once: the signal had already aborted
    }
    // A joining call resolves when its kinds are ready: the shared job may go on to other kinds after them.
    const ready = readyAll(progress, wanted, onReady);
    return covering ? Promise.race([whole, ready]) : whole;
  };

  /** Runs a view's job ahead of every analysis kind, refusing it with BUSY past MAX_WAITING_FEATURE_RENDERS waiting. */
  const viewJob = async (job: WorkerJob, what: string, signal: AbortSignal | undefined): Promise<FinalReport> => {
    if (waitingRenders >= MAX_WAITING_FEATURE_RENDERS) {
      throw new TransferscopeError('BUSY', `${waitingRenders} ${what} are already waiting for a worker; try again in a few seconds.`);
    }
    waitingRenders++;
    // Set from the slot's callback, which the type checker cannot follow.
    const line = { waiting: true };
    try {
      return await limit(
        (slot) => {
          line.waiting = false;
          waitingRenders--;
          return processes.run(job, slot, () => {});
        },
        signal,
        FEATURE_IMAGE_PRIORITY,
      );
    } finally {
      if (line.waiting) {
        waitingRenders--; // it left the line without running (aborted, or the pool closed)
      }
    }
  };

  const renderFeatureImage: RenderFeatureImage = async (neuron, signal) => {
    const report = await viewJob({ type: 'render-feature', jobId: `render-${++jobs}`, db, ...neuron }, 'feature images', signal);
    if (report.type !== 'feature') {
      throw new TransferscopeError('INTERNAL', `The worker rendering ${neuron.layer} neuron ${neuron.neuron} answered '${report.type}' instead of an image.`);
    }
    return report.png;
  };

  const projectExtraPoints: ProjectExtraPoints = async (request, signal) => {
    const report = await viewJob({ type: 'project-extra', jobId: `extra-${++jobs}`, db, ...request }, 'feature images and extra-point projections', signal);
    if (report.type !== 'extra-points') {
      throw new TransferscopeError('INTERNAL', `The worker placing extra points answered '${report.type}' instead of points.`);
    }
    return report.points;
  };

  return {
    analyze,
    renderFeatureImage,
    projectExtraPoints,
    get startedJobs() {
      return processes.started;
    },
    setMaxWorkers: (max) => limit.resize(max),
    close: () => processes.close(),
  };
}
