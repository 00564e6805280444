// A request that follows a reactive key and only ever shows the answer for the newest key: when the scrubber
// moves faster than the server answers, the requests for epochs left behind are aborted and their answers dropped.
import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import { errorMessage } from './api.ts';

export interface LatestRequest<T> {
  /** The newest answer; kept while the next one loads so views don't flicker, cleared on a failure or a null key. */
  value: Accessor<T | null>;
  loading: Accessor<boolean>;
  /** The failed request's readable message, null after a success. */
  error: Accessor<string | null>;
}

/**
 * Calls `load(key, signal)` whenever the key changes (null: no request) and keeps only the newest key's outcome.
 * The previous request's signal aborts on each change and when the owner is disposed: a held request for an
 * epoch scrubbed past (an analysis can take a minute) would otherwise keep one of the browser's six
 * connections to the monitor, and cheap requests queued behind them stalled scrubbing.
 */
export function createLatestRequest<K, T>(key: Accessor<K | null>, load: (key: K, signal: AbortSignal) => Promise<T>): LatestRequest<T> {
  const [value, setValue] = createSignal<T | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let latest = 0;
  let inFlight: AbortController | null = null;
  const abandon = (): void => {
    inFlight?.abort(new DOMException('A newer request replaced this one.', 'AbortError'));
    inFlight = null;
  };
  onCleanup(() => {
    latest += 1;
    abandon();
  });

  createEffect(
    on(key, (k) => {
      abandon();
      const request = ++latest;
      if (k === null) {
        setValue(null);
        setLoading(false);
        setError(null);
        return;
      }
      setLoading(true);
      const controller = new AbortController();
      inFlight = controller;
      load(k, controller.signal).then(
        (answer) => {
          if (request === latest) {
            inFlight = null;
            setValue(() => answer);
            setError(null);
            setLoading(false);
          }
        },
        (err: unknown) => {
          if (request === latest) {
            inFlight = null;
            setValue(null);
            setError(errorMessage(err));
            setLoading(false);
          }
        },
      );
    }),
  );

  return { value, loading, error };
}
