// A line for work that may only run a few at a time (analysis and render child processes): the most urgent
// waiting task starts first, and a running task that can pause makes way for a more urgent one.

/** A running task's way to give up its slot for a while without losing its work (a child process: SIGSTOP / SIGCONT). */
export interface Pausable {
  pause(): void;
  resume(): void;
}

/** Handed to a task as it starts: tells the line how to pause it. A task that never registers is never paused. */
export interface Slot {
  pausable(handle: Pausable): void;
}

export interface ConcurrencyLimit {
  /** Runs `task` when a slot is free; lower `priority` first (default 0), call order among equals. */
  <T>(task: (slot: Slot) => Promise<T>, signal?: AbortSignal, priority?: number): Promise<T>;
  /**
   * Sets how many tasks may hold a slot from now on (at least 1). More starts waiting tasks at once; fewer pauses
   * the least urgent pausable running tasks until the rest fit (a task that cannot pause keeps its slot).
   */
  resize(max: number): void;
}

interface Turn {
  priority: number;
  order: number;
  /** Starts the task, or resumes it after a pause. */
  start: () => void;
  pausable?: Pausable;
}

const moreUrgent = (a: Turn, b: Turn): number => a.priority - b.priority || a.order - b.order;

/**
 * At most `max` tasks hold a slot at once; the rest wait. A waiting task whose `signal` aborts leaves the line
 * without running (rejecting with the signal's reason); a started one is left to finish.
 *
 * When a task arrives and every slot is held, the least urgent pausable running task of a strictly higher
 * priority number is paused and rejoins the line, ahead of later tasks of its priority. Why pause and not kill:
 * the demo's one analysis slot was held by a features or instance layout job (10-20 s of work) when a new
 * checkpoint's network abstraction arrived, which then waited for it; killing would throw that work away.
 */
export function makeConcurrencyLimit(initialMax: number): ConcurrencyLimit {
  let max = initialMax;
  let calls = 0;
  const waiting: Turn[] = [];
  const holding = new Set<Turn>();

  const fill = (): void => {
    while (holding.size < max && waiting.length > 0) {
      waiting.sort(moreUrgent);
      const next = waiting.shift()!;
      holding.add(next);
      next.start();
    }
  };

  const makeWay = (arriving: Turn): void => {
    const [leastUrgent] = [...holding].filter((t) => t.pausable && t.priority > arriving.priority).sort((a, b) => moreUrgent(b, a));
    if (leastUrgent) {
      holding.delete(leastUrgent);
      leastUrgent.pausable!.pause();
      waiting.push(leastUrgent);
    }
  };

  /** Queues `turn` and resolves when it holds a slot; a more urgent turn may pause a running one to get it. */
  const waitForSlot = (turn: Turn, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      const leave = (): void => {
        waiting.splice(waiting.indexOf(turn), 1);
        reject(signal!.reason);
      };
      turn.start = () => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      waiting.push(turn);
      signal?.addEventListener('abort', leave, { once: true });
      makeWay(turn);
      fill();
    });

  const limit = async <T>(task: (slot: Slot) => Promise<T>, signal?: AbortSignal, priority = 0): Promise<T> => {
    signal?.throwIfAborted();
    const turn: Turn = { priority, order: calls++, start: () => {} };
    if (holding.size < max) {
      holding.add(turn); // a free slot starts the task in this call, as callers that spawn at once expect
    } else {
      await waitForSlot(turn, signal);
    }
    // From now on the line only ever resumes this turn.
    turn.start = () => turn.pausable!.resume();
    try {
      return await task({
        pausable: (handle) => {
          turn.pausable = handle;
        },
      });
    } finally {
      holding.delete(turn);
      const paused = waiting.indexOf(turn);
      if (paused >= 0) {
        waiting.splice(paused, 1); // it ended while paused (killed at shutdown)
      }
      fill();
    }
  };

  const resize = (next: number): void => {
    max = Math.max(1, Math.floor(next));
    // A trainer starting takes a core back: the least urgent pausable tasks wait again, as behind a more urgent one.
    const pausable = [...holding].filter((t) => t.pausable).sort((a, b) => moreUrgent(b, a));
    while (holding.size > max && pausable.length > 0) {
      const leastUrgent = pausable.shift()!;
      holding.delete(leastUrgent);
      leastUrgent.pausable!.pause();
      waiting.push(leastUrgent);
    }
    fill();
  };

  return Object.assign(limit, { resize });
}
