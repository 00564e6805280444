// The trainer's sign of life: a heartbeat written to the store on a timer while a run trains, so readers can
// tell a run whose trainer was killed (SIGKILL, power loss) from one still training (core/run-status.ts).
import { TransferscopeError } from '../core/errors.ts';
import { DEFAULT_HEARTBEAT_MS } from '../core/run-status.ts';
import type { Store } from '../store/store.ts';

export interface RunHeartbeat {
  /** Stops beating; resolves once a beat under way is written. */
  stop(): Promise<void>;
}

/** Beats between compactions of the heartbeat table: ~5 minutes at the default interval. */
const BEATS_PER_COMPACTION = 30;
/** Table versions newer than this survive a compaction, so a reader mid-query never loses the files it reads. */
const KEEP_VERSIONS_MS = 60_000;

/** The heartbeat interval from TRANSFERSCOPE_HEARTBEAT_MS (whole milliseconds, 50 to 600000), or the default. */
export function heartbeatIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TRANSFERSCOPE_HEARTBEAT_MS;
  if (raw === undefined || raw === '') {
    return DEFAULT_HEARTBEAT_MS;
  }
  const ms = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(ms >= 50 && ms <= 600_000)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Invalid TRANSFERSCOPE_HEARTBEAT_MS '${raw.slice(0, 20)}': use whole milliseconds from 50 to 600000, or unset it for ${DEFAULT_HEARTBEAT_MS}.`);
  }
  return ms;
}

/**
 * Beats for `runId` now and every `intervalMs`. A failed write is logged and retried at the next beat: a
 * heartbeat must never stop training, and a few missed beats are tolerated by readers.
 */
export async function startHeartbeat(store: Store, runId: string, intervalMs: number, log: (line: string) => void): Promise<RunHeartbeat> {
  let beats = 0;
  let pending: Promise<void> | null = null;
  const beat = async () => {
    await store.recovery.beat(runId, intervalMs);
    beats += 1;
    if (beats % BEATS_PER_COMPACTION === 0) {
      await store.recovery.compactHeartbeats(Math.max(KEEP_VERSIONS_MS, 3 * intervalMs));
    }
  };
  await beat();
  const timer = setInterval(() => {
    // A slow write (a busy disk) skips a beat instead of queueing writes behind it.
    pending ??= beat()
      .catch((err: Error) => log(`transferscope: heartbeat of run ${runId} not written (${err.message}); retrying`))
      .finally(() => { pending = null; });
  }, intervalMs);
  // Training keeps the process alive; the heartbeat alone never should.
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await pending;
    },
  };
}

/** Runs `work` while beating for `runId`; the heartbeat stops when `work` settles, however it ends. */
export async function withHeartbeat<T>(store: Store, runId: string, intervalMs: number, log: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const heartbeat = await startHeartbeat(store, runId, intervalMs, log);
  try {
    return await work();
  } finally {
    await heartbeat.stop();
  }
}
