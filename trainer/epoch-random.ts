// The random streams of one training epoch. Each epoch's shuffle and augmentation are seeded from
// (run seed, phase, epoch) alone, so a run resumed at any epoch draws exactly what an uninterrupted run would.
import type { Phase } from '../core/protocol.ts';
import { SeededRandom } from '../lib/random/index.ts';

/** What a stream is for: the batch order, or the augmentation of the images in it. */
export type EpochStream = 'shuffle' | 'augment';

/** A 32-bit seed for `stream` of (`seed`, `phase`, `epoch`): FNV-1a over the four, so nearby epochs get unrelated streams. */
export function epochSeed(seed: number, phase: Phase, epoch: number, stream: EpochStream): number {
  let hash = 0x811c9dc5;
  for (const char of `${seed}/${phase}/${epoch}/${stream}`) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  }
  return hash >>> 0;
}

/** A fresh generator for `stream` of one epoch (1-based within its phase). */
export function epochRandom(seed: number, phase: Phase, epoch: number, stream: EpochStream): SeededRandom {
  return new SeededRandom(epochSeed(seed, phase, epoch, stream));
}
