// An LRU of answers bounded by their total size (bytes, or any weight), whose concurrent first reads of one key
// share one production: for answers that never change under their key (a committed checkpoint's weights).
import { makeSharedRequests } from './shared-requests.ts';

export interface BoundedCache<T> {
  /** The answer under `key`, produced once (however many callers ask at a time) when not held. */
  get(key: string, produce: () => Promise<T>): Promise<T>;
  /** The answer under `key` when held (it becomes the most recently used), without producing it. */
  peek(key: string): T | undefined;
  /** Total weight held now; never above the limit. */
  size(): number;
}

/**
 * Holds at most `limit` of total `weigh(answer)`, dropping the least recently used first. An answer heavier than
 * the limit is returned but not kept; a failed production is not kept, so the next call tries again.
 */
export function makeBoundedCache<T>(limit: number, weigh: (answer: T) => number): BoundedCache<T> {
  const entries = new Map<string, { answer: T; weight: number }>();
  const shared = makeSharedRequests<T>();
  let total = 0;

  const remember = (key: string, answer: T): void => {
    const weight = weigh(answer);
    if (weight > limit || entries.has(key)) {
      return;
    }
    entries.set(key, { answer, weight });
    total += weight;
    // Map order is insertion order, and a hit re-inserts: the first entries are the least recently used.
    for (const [oldKey, old] of entries) {
      if (total <= limit) {
        break;
      }
      entries.delete(oldKey);
      total -= old.weight;
    }
  };

  const peek = (key: string): T | undefined => {
    const hit = entries.get(key);
    if (!hit) {
      return undefined;
    }
    entries.delete(key);
    entries.set(key, hit);
    return hit.answer;
  };

  return {
    get(key, produce) {
      const hit = peek(key);
      if (hit !== undefined) {
        return Promise.resolve(hit);
      }
      return shared(key, async () => {
        const answer = await produce();
        remember(key, answer);
        return answer;
      });
    },
    peek,
    size: () => total,
  };
}
