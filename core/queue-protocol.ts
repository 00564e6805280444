// The analysis jobs on the Redis queue (`serve --redis`, `transferscope worker`): what a job holds, its id
// (which deduplicates it) and its priority, shared by the monitors that enqueue and the workers that run them.
import type { Phase } from './protocol.ts';
import { ANALYSIS_KINDS, type AnalysisKind } from './analysis-protocol.ts';
import type { ChosenReference } from './analysis-keys.ts';
import { REFINABLE_KINDS } from './analysis-settings.ts';
import { isErrorCode, TransferscopeError, type ErrorCode } from './errors.ts';

/** The BullMQ queue of live jobs every monitor and worker of a deployment shares. */
export const ANALYSIS_QUEUE = 'transferscope-analyses';

/**
 * The queue of refinements to the paper's settings. A queue of their own, so a worker runs live and refinement
 * jobs side by side over one process pool, which pauses a running refinement when a live job arrives (see
 * queue-worker.ts); on one queue, a live job waited for a worker slot a refinement held for minutes.
 */
export const REFINEMENT_QUEUE = 'transferscope-refinements';

/** The queue a job goes on: refinements on their own. */
export function analysisQueueOf(job: { settings?: 'paper' }): string {
  return job.settings === 'paper' ? REFINEMENT_QUEUE : ANALYSIS_QUEUE;
}

/** One kind of analysis of one checkpoint (against a chosen reference, or the default one). */
export interface AnalysisJob {
  runId: string;
  phase: Phase;
  epoch: number;
  kind: AnalysisKind;
  reference?: ChosenReference;
  /**
   * Set on the background line's jobs: the kinds queued for every checkpoint (`serve --kind`), against which
   * the worker reports the checkpoint's progress. A view's request (and any chosen reference) has none.
   */
  background?: AnalysisKind[];
  /** The paper's settings (core/analysis-settings.ts) instead of the live estimate; absent on older monitors' jobs. */
  settings?: 'paper';
  /**
   * Set on a paper job of a monitor that refines (`serve --refine`): the refinable kinds of the checkpoint still to
   * refine after this one, in order. The worker that stores this job's kind queues the next (see queueing refinements
   * in decisions.md): a features refinement must not start before the network refinement stored its target rows.
   */
  refineNext?: AnalysisKind[];
}

type Fields = Record<string, unknown>;
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isPhase = (v: unknown): v is Phase => v === 'source' || v === 'target';
const isKind = (v: unknown): v is AnalysisKind => (ANALYSIS_KINDS as readonly unknown[]).includes(v);
const isRefinable = (v: unknown): v is AnalysisKind => (REFINABLE_KINDS as readonly unknown[]).includes(v);

/** `value` (a job's data as read back from Redis) as an AnalysisJob; throws INTERNAL when it is not one. */
export function parseAnalysisJob(value: unknown): AnalysisJob {
  const m = (typeof value === 'object' && value !== null ? value : {}) as Fields;
  const reference: unknown = m.reference;
  const valid =
    typeof m.runId === 'string' &&
    isPhase(m.phase) &&
    isCount(m.epoch) &&
    isKind(m.kind) &&
    (reference === undefined ||
      (typeof reference === 'object' && reference !== null && isPhase((reference as Fields).phase) && isCount((reference as Fields).epoch))) &&
    (m.background === undefined || (Array.isArray(m.background) && m.background.every(isKind))) &&
    (m.settings === undefined || (m.settings === 'paper' && isRefinable(m.kind))) &&
    (m.refineNext === undefined || (m.settings === 'paper' && Array.isArray(m.refineNext) && m.refineNext.every(isRefinable)));
  if (!valid) {
    throw new TransferscopeError('INTERNAL', 'Malformed analysis job on the queue: every monitor and worker must run the same transferscope version.');
  }
  return m as unknown as AnalysisJob;
}

/**
 * The job's BullMQ id: one job per checkpoint, kind and reference, so a checkpoint that several monitors (or a
 * monitor and a request) queue is computed once, and one per setting. Run ids hold only letters, digits, '.', '_' and '-', so '|'
 * cannot occur in them; BullMQ refuses ':' in custom ids.
 */
export function analysisJobId(job: AnalysisJob): string {
  const reference = job.reference ? `|vs-${job.reference.phase}-${job.reference.epoch}` : '';
  // A paper job stores another row than the live job of its checkpoint: it is never the same job.
  const settings = job.settings === 'paper' ? '|paper' : '';
  return `${job.kind}|${job.runId}|${job.phase}-${job.epoch}${reference}${settings}`;
}

/**
 * Kinds whose result at a checkpoint starts from the previous checkpoint's (analysis/jobs/checkpoint-chain.ts):
 * a job computes and stores the earlier checkpoints that lack theirs first. Their jobs of one run share one lock,
 * or a worker laying out checkpoint 3 (and so 2) and another laying out checkpoint 2 would both store 2.
 */
export const CHAINED_KINDS: readonly AnalysisKind[] = ['instances', 'projection'];

/** The Redis lock a worker holds while it computes `job` (see CHAINED_KINDS). */
export function analysisLockName(job: AnalysisJob): string {
  return CHAINED_KINDS.includes(job.kind) ? `${job.kind}|${job.runId}` : analysisJobId(job);
}

/** Steps of a run that get distinct priorities; later steps share the most urgent one. */
const STEP_SLOTS = 500_000;

/**
 * BullMQ priority (1 is the most urgent, 2,097,151 the least): today's order of the local line, network
 * abstractions before instance layouts before projections before features (ANALYSIS_KINDS), and within a kind
 * the newest checkpoint (highest step) first. A request a view waits for passes no step and ranks first in its kind.
 */
export function analysisJobPriority(kind: AnalysisKind, step?: number): number {
  const newestFirst = step === undefined ? 0 : STEP_SLOTS - 1 - Math.min(step, STEP_SLOTS - 1);
  return 1 + ANALYSIS_KINDS.indexOf(kind) * STEP_SLOTS + newestFirst;
}

/** Refinement steps of a run that get distinct priorities (two slots each: network, then features); later ones share the most urgent. */
const PAPER_STEP_SLOTS = 48_000;
/** The least urgent live priority: every paper job ranks below it. */
const LEAST_URGENT_LIVE = ANALYSIS_KINDS.length * STEP_SLOTS;

/**
 * BullMQ priority of a job at the paper's settings: below every live job (a live kind makes a view show anything,
 * a refinement only improves it), newest checkpoint first and its network refinement before its features one, as
 * the local queue refines. A request a view waits for passes no step and ranks first among refinements.
 * The least urgent is 2,000,001 + 2 × 48,000 = 2,096,001, within BullMQ's 2,097,151.
 */
export function paperJobPriority(kind: AnalysisKind, step?: number): number {
  if (step === undefined) {
    return LEAST_URGENT_LIVE + 1;
  }
  const newestFirst = PAPER_STEP_SLOTS - 1 - Math.min(step, PAPER_STEP_SLOTS - 1);
  return LEAST_URGENT_LIVE + 2 + newestFirst * 2 + (kind === 'network' ? 0 : 1);
}

/** A job's BullMQ priority at its settings. */
export function jobPriority(job: AnalysisJob, step?: number): number {
  return job.settings === 'paper' ? paperJobPriority(job.kind, step) : analysisJobPriority(job.kind, step);
}

/** A failed job's reason as stored by BullMQ (a string): the TransferscopeError's code survives the trip. */
export function jobFailureReason(err: unknown): string {
  if (err instanceof TransferscopeError) {
    return `${err.code}: ${err.message}`;
  }
  return `INTERNAL: ${(err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''}`;
}

/** The TransferscopeError a failed job's reason stands for (see jobFailureReason). */
export function errorFromJobFailure(reason: string): TransferscopeError {
  const found = /^([A-Z_]+): (.*)$/s.exec(reason);
  const code = found?.[1];
  return code !== undefined && isErrorCode(code) ? new TransferscopeError(code as ErrorCode, found![2]!) : new TransferscopeError('INTERNAL', reason);
}
