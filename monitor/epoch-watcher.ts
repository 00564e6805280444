// Notices epochs and run changes committed by any process (a trainer may run in its own process),
// by polling the store, and hands each one to a listener exactly once.
import type { EpochRecord, RunSummary } from '../core/protocol.ts';
import type { Store } from '../store/store.ts';

export interface WatcherListener {
  epoch(runId: string, record: EpochRecord): void;
  run(run: RunSummary): void;
  /** Every run as of each poll, the first included, with its derived status (whether a trainer is live). */
  runs?(runs: RunSummary[]): void;
}

export interface EpochWatcher {
  /** Polls once now; resolves when the listener has been called for everything new. */
  poll(): Promise<void>;
  /** Stops polling; resolves once a poll under way has finished, so the store can be closed after it. */
  stop(): Promise<void>;
}

/**
 * Starts polling every `intervalMs`. Epochs committed before the watcher started are not announced
 * (clients read those through the API); later ones are, in commit order, each once.
 */
export function startEpochWatcher(store: Store, listener: WatcherListener, intervalMs = 250): EpochWatcher {
  let since = Date.now();
  const announced = new Set<string>();
  const runVersions = new Map<string, string>();
  let running: Promise<void> | null = null;
  let primed = false;

  async function pollOnce(): Promise<void> {
    const runs = await store.listRuns();
    for (const run of runs) {
      const version = `${run.status}/${run.updatedAt}/${run.lastEpoch?.step ?? 0}`;
      if (runVersions.get(run.id) !== version) {
        runVersions.set(run.id, version);
        if (primed) {
          listener.run(run);
        }
      }
    }
    primed = true;
    listener.runs?.(runs);
    // Commits in the same millisecond as `since` are re-read; `announced` keeps them single.
    const fresh = await store.epochsCommittedAfter(since - 1);
    for (const { runId, record } of fresh) {
      // A resumed run commits its discarded steps again: the commit time tells the new commit from the old.
      const key = `${runId}/${record.step}/${record.committedAt}`;
      if (!announced.has(key)) {
        announced.add(key);
        listener.epoch(runId, record);
      }
      since = Math.max(since, record.committedAt);
    }
  }

  const poll = () => {
    running ??= pollOnce().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => {
    poll().catch((err: Error) => console.error(`monitor: polling the store failed: ${err.message}`));
  }, intervalMs);
  timer.unref();
  return {
    poll,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
