// The messages between the monitor and its analysis workers (forked processes, `serialization: 'advanced'`):
// one union per direction, and a validator for each side, since a process boundary is where input enters.
import type { LayerName, Phase } from './protocol.ts';
import { ANALYSIS_KINDS, ANALYSIS_SETTINGS_NAMES, type AnalysisKind, type AnalysisSettingsName } from './analysis-protocol.ts';
import type { ChosenReference } from './analysis-keys.ts';
import { EXTRA_POINT_SETS, type ExtraPointSet, type ExtraPointsResponse } from './projection-protocol.ts';
import { isErrorCode, TransferscopeError, type ErrorCode } from './errors.ts';

/** What the monitor asks of a worker. A worker runs one job, then exits; `cancel` ends it without storing anything. */
export type WorkerRequest =
  | {
      type: 'analyse';
      jobId: string;
      db: string;
      runId: string;
      phase: Phase;
      epoch: number;
      /** Only these kinds (default: all of them). */
      kinds?: AnalysisKind[];
      reference?: ChosenReference;
      /** The live estimate (default) or the paper's settings. */
      settings?: AnalysisSettingsName;
      /** A trainer backend choice (`auto`, `wasm`, …); the worker checks it against the trainer's list. */
      backend?: string;
    }
  | { type: 'render-feature'; jobId: string; db: string; runId: string; phase: Phase; epoch: number; layer: LayerName; neuron: number; backend?: string }
  /** Places a training split's instances of `classes` on the checkpoint's stored projection (which must exist). */
  | { type: 'project-extra'; jobId: string; db: string; runId: string; phase: Phase; epoch: number; set: ExtraPointSet; classes: number[]; backend?: string }
  | { type: 'cancel'; jobId: string };

/** What a worker reports about its job. Every job ends with exactly one `done`, `feature`, `extra-points` or `failed`. */
export type WorkerReport =
  | { type: 'progress'; jobId: string; line: string }
  /** `kind` of the checkpoint is stored, or has nothing to compute there (no reference checkpoint). */
  | { type: 'stored'; jobId: string; kind: AnalysisKind; phase: Phase; epoch: number }
  | { type: 'done'; jobId: string; computed: number; stored: number }
  | { type: 'feature'; jobId: string; png: Uint8Array }
  | { type: 'extra-points'; jobId: string; points: ExtraPointsResponse }
  /** The TransferscopeError's code and one-line message; never a stack. */
  | { type: 'failed'; jobId: string; error: { code: ErrorCode; message: string } };

/** Tells the pool's watchdog which worker processes to kill if the monitor goes away. */
export type WatchdogMessage = { type: 'watch'; pid: number } | { type: 'unwatch'; pid: number };

type Fields = Record<string, unknown>;

const isString = (v: unknown): v is string => typeof v === 'string';
const isPhase = (v: unknown): v is Phase => v === 'source' || v === 'target';
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isKind = (v: unknown): v is AnalysisKind => (ANALYSIS_KINDS as readonly unknown[]).includes(v);
const isSettings = (v: unknown): v is AnalysisSettingsName => (ANALYSIS_SETTINGS_NAMES as readonly unknown[]).includes(v);
const isOptional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v);
const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
const isExtraSet = (v: unknown): v is ExtraPointSet => (EXTRA_POINT_SETS as readonly unknown[]).includes(v);
const isExtraPoints = (v: unknown): boolean => {
  const p = v as Fields | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    isString(p.runId) &&
    isPhase(p.phase) &&
    isCount(p.epoch) &&
    isExtraSet(p.set) &&
    isCount(p.count) &&
    isCount(p.perClassCap) &&
    [p.classes, p.index, p.label, p.predicted, p.x, p.y].every(isNumbers)
  );
};
const isReference = (v: unknown): v is ChosenReference => typeof v === 'object' && v !== null && isPhase((v as Fields).phase) && isCount((v as Fields).epoch);
const isCheckpoint = (m: Fields): boolean => isString(m.db) && isString(m.runId) && isPhase(m.phase) && isCount(m.epoch) && isOptional(m.backend, isString);

function fields(value: unknown, side: string): Fields & { type: unknown; jobId: string } {
  if (typeof value !== 'object' || value === null || !isString((value as Fields).jobId)) {
    throw new TransferscopeError(
      'INTERNAL',
      `Malformed ${side} message (got ${value === null ? 'null' : typeof value}, no jobId): the monitor and its workers must run the same transferscope version.`,
    );
  }
  return value as Fields & { type: unknown; jobId: string };
}

function malformed(side: string, m: Fields): never {
  throw new TransferscopeError(
    'INTERNAL',
    `Malformed ${side} message of type '${String(m.type).slice(0, 40)}': the monitor and its workers must run the same transferscope version.`,
  );
}

/** `value` as a WorkerRequest; throws INTERNAL naming what was wrong with it. */
export function parseWorkerRequest(value: unknown): WorkerRequest {
  const m = fields(value, 'worker request');
  const valid =
    m.type === 'cancel' ||
    (m.type === 'analyse' &&
      isCheckpoint(m) &&
      isOptional(m.kinds, (k) => Array.isArray(k) && k.every(isKind)) &&
      isOptional(m.reference, isReference) &&
      isOptional(m.settings, isSettings)) ||
    (m.type === 'render-feature' && isCheckpoint(m) && isString(m.layer) && m.layer.length > 0 && isCount(m.neuron)) ||
    (m.type === 'project-extra' && isCheckpoint(m) && isExtraSet(m.set) && Array.isArray(m.classes) && m.classes.every(isCount));
  return valid ? (m as WorkerRequest) : malformed('worker request', m);
}

/** `value` as a WorkerReport; throws INTERNAL naming what was wrong with it. */
export function parseWorkerReport(value: unknown): WorkerReport {
  const m = fields(value, 'worker report');
  const error: unknown = m.error;
  const valid =
    (m.type === 'progress' && isString(m.line)) ||
    (m.type === 'stored' && isKind(m.kind) && isPhase(m.phase) && isCount(m.epoch)) ||
    (m.type === 'done' && isCount(m.computed) && isCount(m.stored)) ||
    (m.type === 'feature' && m.png instanceof Uint8Array) ||
    (m.type === 'extra-points' && isExtraPoints(m.points)) ||
    (m.type === 'failed' && typeof error === 'object' && error !== null && isErrorCode((error as Fields).code) && isString((error as Fields).message));
  return valid ? (m as WorkerReport) : malformed('worker report', m);
}
