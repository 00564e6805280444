// Loads images (`data-src`) a few at a time, in request order. Views with many server-rendered images use it
// so that slow renders never take every connection the browser allows per host.

export interface ImageQueue {
  /** Sets the image's `src` from its `data-src` once fewer than the limit are loading. */
  request(img: HTMLImageElement): void;
  /** Forgets images not started yet and cancels pending retries (their view is gone). */
  clear(): void;
}

export interface ImageRetry {
  /** Further attempts after a failed load; 0 turns retrying off. */
  retries: number;
  /** Wait before the first retry, doubled for each next one (plus up to half of it at random). */
  firstDelayMs: number;
  /** Uniform in [0, 1); tests pass a fixed one. */
  random?: () => number;
}

/**
 * The monitor answers 503 BUSY when its render line is full (many dashboards asking for feature images at
 * once). An <img> cannot see the status, so every failed load is retried a few times with backoff: a broken
 * image costs a handful of cheap requests (the monitor remembers a failed render), a busy one loads later.
 */
export const FEATURE_IMAGE_RETRY: ImageRetry = { retries: 4, firstDelayMs: 500 };

/**
 * Plain (not reactive): call `clear` when the owning view goes. A failed image gives its slot back while it
 * waits to retry, so other images proceed; its retry goes to the front of the queue.
 */
export function makeImageQueue(limit: number, retry: ImageRetry = { retries: 0, firstDelayMs: 0 }): ImageQueue {
  const waiting: HTMLImageElement[] = [];
  const attempts = new WeakMap<HTMLImageElement, number>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const random = retry.random ?? Math.random;
  let loading = 0;

  const retryLater = (img: HTMLImageElement): void => {
    const attempt = (attempts.get(img) ?? 0) + 1;
    if (attempt > retry.retries || !img.isConnected) {
      return;
    }
    attempts.set(img, attempt);
    const base = retry.firstDelayMs * 2 ** (attempt - 1);
    // Jitter: images that failed together (one full line) do not all come back in the same instant.
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        // Without the attribute the next assignment is a change, so the browser fetches the URL again.
        img.removeAttribute('src');
        waiting.unshift(img);
        next();
      },
      base + base * 0.5 * random(),
    );
    timers.add(timer);
  };

  const next = (): void => {
    while (loading < limit && waiting.length > 0) {
      const img = waiting.shift()!;
      const src = img.dataset.src;
      if (!img.isConnected || !src || img.getAttribute('src') === src) {
        continue;
      }
      loading++;
      const settle = (failed: boolean): void => {
        img.removeEventListener('load', loaded);
        img.removeEventListener('error', errored);
        loading--;
        if (failed) {
          retryLater(img);
        }
        next();
      };
      const loaded = (): void => settle(false);
      const errored = (): void => settle(true);
      img.addEventListener('load', loaded);
      img.addEventListener('error', errored);
      img.src = src;
    }
  };
  return {
    request(img) {
      waiting.push(img);
      next();
    },
    clear() {
      waiting.length = 0;
      timers.forEach((timer) => clearTimeout(timer));
      timers.clear();
    },
  };
}
