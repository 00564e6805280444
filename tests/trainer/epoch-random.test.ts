import { describe, expect, it } from 'vitest';
import { epochRandom, epochSeed } from '../../trainer/epoch-random.ts';

const order = (seed: number, phase: 'source' | 'target', epoch: number) =>
  Array.from(epochRandom(seed, phase, epoch, 'shuffle').shuffle(Int32Array.from({ length: 50 }, (_, i) => i)));

describe('epochRandom', () => {
  it('gives an epoch the same order however many epochs were drawn before it (what resuming relies on)', () => {
    const straight = [1, 2, 3, 4].map((epoch) => order(7, 'source', epoch));
    const resumed = order(7, 'source', 3);
    expect(resumed).toEqual(straight[2]);
  });

  it('gives different orders to other epochs, phases, seeds and streams', () => {
    const seeds = new Set([
      epochSeed(7, 'source', 1, 'shuffle'),
      epochSeed(7, 'source', 2, 'shuffle'),
      epochSeed(7, 'target', 1, 'shuffle'),
      epochSeed(8, 'source', 1, 'shuffle'),
      epochSeed(7, 'source', 1, 'augment'),
      epochSeed(71, 'source', 1, 'shuffle'),
      epochSeed(7, 'source', 11, 'shuffle'),
    ]);
    expect(seeds.size).toBe(7);
    expect(order(7, 'source', 1)).not.toEqual(order(7, 'source', 2));
    expect(order(7, 'source', 1)).not.toEqual(order(7, 'target', 1));
  });

  it('returns unsigned 32-bit seeds', () => {
    for (const epoch of [1, 2, 1000]) {
      const s = epochSeed(2 ** 31 - 1, 'target', epoch, 'augment');
      expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
    }
  });
});
