// Loads images (`data-src`) a few at a time, in request order. Views with many server-rendered images use it
// so that slow renders never take every connection the browser allows per host.

export interface ImageQueue {
  /** Sets the image's `src` from its `data-src` once fewer than the limit are loading. */
  request(img: HTMLImageElement): void;
  /** Forgets images not started yet (their view is gone). */
  clear(): void;
}

/** Plain (not reactive): call `clear` when the owning view goes. */
export function makeImageQueue(limit: number): ImageQueue {
  const waiting: HTMLImageElement[] = [];
  let loading = 0;
  const next = (): void => {
    while (loading < limit && waiting.length > 0) {
      const img = waiting.shift()!;
      const src = img.dataset.src;
      if (!img.isConnected || !src || img.getAttribute('src') === src) {
        continue;
      }
      loading++;
      const done = (): void => {
        img.removeEventListener('load', done);
        img.removeEventListener('error', done);
        loading--;
        next();
      };
      img.addEventListener('load', done);
      img.addEventListener('error', done);
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
    },
  };
}
