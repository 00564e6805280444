// Cache keys for answers computed from committed epochs. An epoch's commit time changes whenever its row is
// written again (a resumed run re-commits the epochs after its last checkpoint; a store recreated under the same
// run id commits everything anew), so an answer keyed by the commit times it read can never be served stale.
import { createHash } from 'node:crypto';
import type { EpochRecord } from '../core/protocol.ts';

/** A short key naming exactly these committed epochs (phase, epoch, step and commit time of each, in order). */
export function commitKey(epochs: readonly EpochRecord[]): string {
  const hash = createHash('sha1');
  for (const e of epochs) {
    hash.update(`${e.phase}:${e.epoch}:${e.step}:${e.committedAt};`);
  }
  return hash.digest('base64url');
}

/** Encoded answers of one route are small (a table per epoch); this bounds each route's cache. */
export const COMMITTED_ANSWERS_BYTES = 32 * 2 ** 20;
