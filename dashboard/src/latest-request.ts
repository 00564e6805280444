// A request that follows a reactive key and only ever shows the answer for the newest key: when the scrubber
// moves faster than the server answers, late answers for epochs already left behind are dropped.
import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import { errorMessage } from './api.ts';

export interface LatestRequest<T> {
  /** The newest answer; kept while the next one loads so views don't flicker, cleared on a failure or a null key. */
  value: Accessor<T | null>;
  loading: Accessor<boolean>;
  /** The failed request's readable message, null after a success. */
  error: Accessor<string | null>;
}

/** Calls `load(key)` whenever the key changes (null: no request) and keeps only the newest key's outcome. */
export function createLatestRequest<K, T>(key: Accessor<K | null>, load: (key: K) => Promise<T>): LatestRequest<T> {
  const [value, setValue] = createSignal<T | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let latest = 0;
  onCleanup(() => {
    latest += 1;
  });

  createEffect(on(key, (k) => {
    const request = ++latest;
    if (k === null) {
      setValue(null);
      setLoading(false);
      setError(null);
      return;
    }
    setLoading(true);
    load(k).then(
      (answer) => {
        if (request === latest) {
          setValue(() => answer);
          setError(null);
          setLoading(false);
        }
      },
      (err: unknown) => {
        if (request === latest) {
          setValue(null);
          setError(errorMessage(err));
          setLoading(false);
        }
      },
    );
  }));

  return { value, loading, error };
}
