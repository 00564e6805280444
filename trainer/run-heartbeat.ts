// The trainer's sign of life while a run trains: a heartbeat in the store, so readers can tell a run whose
// trainer was killed (SIGKILL, power loss) from one still training (core/run-status.ts). The beats are
// written from a worker thread (store/heartbeat-worker.js), so a long tensor step never makes a run look dead.
import { TransferscopeError } from '../core/errors.ts';
import { DEFAULT_HEARTBEAT_MS } from '../core/run-status.ts';
import type { Store } from '../store/store.ts';

/** The heartbeat interval from TRANSFERSCOPE_HEARTBEAT_MS (whole milliseconds, 50 to 600000), or the default. */
export function heartbeatIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TRANSFERSCOPE_HEARTBEAT_MS;
  if (raw === undefined || raw === '') {
    return DEFAULT_HEARTBEAT_MS;
  }
  const ms = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(ms >= 50 && ms <= 600_000)) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `Invalid TRANSFERSCOPE_HEARTBEAT_MS '${raw.slice(0, 20)}': use whole milliseconds from 50 to 600000, or unset it for ${DEFAULT_HEARTBEAT_MS}.`,
    );
  }
  return ms;
}

/**
 * Runs `work` while the run's heartbeat beats every `intervalMs`; the heartbeat stops when `work` settles,
 * however it ends. A beat that fails is logged and the next one tried: a heartbeat never stops training.
 */
export async function withHeartbeat<T>(store: Store, runId: string, intervalMs: number, log: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const beating = await store.recovery.startBeating(runId, intervalMs, {
    onError: (message) => log(`transferscope: heartbeat of run ${runId} not written (${message}); retrying`),
  });
  try {
    return await work();
  } finally {
    await beating.stop();
  }
}
