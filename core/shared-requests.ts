// Work that every caller asking for the same key shares, and that stops only when every caller has given up:
// a view that scrubbed on drops its request, but a request another view (or the background queue) still waits
// for keeps going. Used by the monitor's child processes (analyses, feature images) and by the dashboard's data
// client.

/**
 * Asks for `key`'s work, calling `start` only when no call for `key` is in flight; the answer rejects with the
 * signal's reason once `signal` aborts.
 */
export type SharedRequest<T> = (key: string, start: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal) => Promise<T>;

interface Entry<T> {
  answer: Promise<T>;
  controller: AbortController;
  /** Callers waiting with a signal that has not aborted. */
  holders: number;
  /** A caller without a signal waits for it: never abort. */
  pinned: boolean;
}

/**
 * Shares one started piece of work between concurrent callers of one key. The work's own signal aborts when
 * the last caller's signal does and no caller came without one; the next call for that key starts it afresh.
 * A settled entry is forgotten, so callers that want answers kept cache them themselves.
 */
export function makeSharedRequests<T>(): SharedRequest<T> {
  const inFlight = new Map<string, Entry<T>>();
  const forget = (key: string, entry: Entry<T>): void => {
    if (inFlight.get(key) === entry) {
      inFlight.delete(key);
    }
  };
  return (key, start, signal) => {
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }
    let entry = inFlight.get(key);
    if (!entry) {
      const controller = new AbortController();
      const created: Entry<T> = { answer: start(controller.signal), controller, holders: 0, pinned: false };
      created.answer.then(
        () => forget(key, created),
        () => forget(key, created),
      );
      inFlight.set(key, created);
      entry = created;
    }
    if (!signal) {
      entry.pinned = true;
      return entry.answer;
    }
    const held = entry;
    held.holders++;
    return new Promise<T>((resolve, reject) => {
      const leave = (): void => {
        held.holders--;
        if (held.holders === 0 && !held.pinned) {
          forget(key, held);
          held.controller.abort(signal.reason);
        }
        reject(signal.reason);
      };
      signal.addEventListener('abort', leave, { once: true });
      held.answer.then(
        (value) => {
          signal.removeEventListener('abort', leave);
          resolve(value);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(err);
        },
      );
    });
  };
}

/**
 * `makeSharedRequests` that also remembers each key's answer, for work whose answer never changes (a committed
 * checkpoint's analysis, a neuron's feature image). The least recently used answer goes past `size`; a failed or
 * abandoned request is not remembered, so the next call tries again.
 */
export function makeCachedRequests<T>(size: number): SharedRequest<T> {
  const answers = new Map<string, T>();
  const shared = makeSharedRequests<T>();
  const remember = (key: string, answer: T): T => {
    answers.set(key, answer);
    if (answers.size > size) {
      answers.delete(answers.keys().next().value!);
    }
    return answer;
  };
  return (key, start, signal) => {
    if (answers.has(key)) {
      // Read again, so it moves to the newest end of the Map's insertion order (least recently used goes first).
      const answer = answers.get(key)!;
      answers.delete(key);
      answers.set(key, answer);
      return Promise.resolve(answer);
    }
    return shared(key, (shareSignal) => start(shareSignal).then((answer) => remember(key, answer)), signal);
  };
}
