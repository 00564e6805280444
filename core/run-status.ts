// Liveness of a run: the status a reader sees, derived from what the trainer stored and how recently its
// heartbeat was written. A trainer killed with SIGKILL can record nothing, so staleness is the only signal.
import type { RunStatus } from './protocol.ts';

/** How often a trainer writes its heartbeat unless told otherwise (TRANSFERSCOPE_HEARTBEAT_MS). */
export const DEFAULT_HEARTBEAT_MS = 10_000;

/** A heartbeat older than this many of its intervals means the trainer is gone: two missed beats are tolerated. */
export const STALE_AFTER_INTERVALS = 3;

/** The latest sign of life of a run's trainer: when it was written (ms since the Unix epoch) and the interval promised. */
export interface Heartbeat {
  at: number;
  intervalMs: number;
}

/**
 * The status readers see: a stored `running` becomes `interrupted` once the newest sign of life is
 * STALE_AFTER_INTERVALS intervals old at `now` (ms); every other stored status is final and returned as is.
 */
export function deriveRunStatus(stored: RunStatus, heartbeat: Heartbeat, now: number): RunStatus {
  if (stored !== 'running') {
    return stored;
  }
  return now - heartbeat.at < STALE_AFTER_INTERVALS * heartbeat.intervalMs ? 'running' : 'interrupted';
}
