import { describe, expect, it } from 'vitest';
import { memoryReader, readAll, rowsReader } from '../../datasets/image-reader.ts';
import { allocateImageSet } from '../../datasets/image-set.ts';
import { SeededRandom } from '../../lib/random/index.ts';
import { splitReader, splitDomain } from '../../datasets/split-domain.ts';

function ramp(count: number, side: number) {
  const set = allocateImageSet(count, side, side, ['a', 'b']);
  set.images.forEach((_, i) => (set.images[i] = (i % 97) / 97));
  set.labels.forEach((_, i) => (set.labels[i] = i % 2));
  return set;
}

describe('memoryReader', () => {
  it('reads rows in the order asked, and augments only when given a random stream', async () => {
    const set = ramp(5, 4);
    const reader = memoryReader(set);
    const length = 4 * 4 * 3;
    const batch = await reader.read([3, 0]);
    expect(batch.subarray(0, length)).toEqual(set.images.subarray(3 * length, 4 * length));
    expect(batch.subarray(length)).toEqual(set.images.subarray(0, length));
    const a = await reader.read([0, 1, 2], new SeededRandom(9));
    expect(await reader.read([0, 1, 2], new SeededRandom(9))).toEqual(a);
    expect(a).not.toEqual(await reader.read([0, 1, 2]));
  });

  it('shifts with zero fill and never mirrors digits unless asked', async () => {
    const set = allocateImageSet(1, 1, 8, ['x']);
    set.images.set([1, 1, 1], 0); // the leftmost pixel is lit
    const shifts = await Promise.all(Array.from({ length: 200 }, (_, s) => memoryReader(set, { maxShift: 2 }).read([0], new SeededRandom(s))));
    // One row: only draws with no vertical shift keep the pixel (dy != 0 moves the row out).
    const lit = shifts.map((img) => img.indexOf(1) / 3);
    expect(new Set(lit.filter((x) => x >= 0))).toEqual(new Set([0, 1, 2]));
    const flipped = await Promise.all(Array.from({ length: 20 }, (_, s) => memoryReader(set, { maxShift: 0, flip: true }).read([0], new SeededRandom(s))));
    expect(new Set(flipped.map((img) => img.indexOf(1) / 3))).toEqual(new Set([0, 7]));
  });
});

describe('splitReader', () => {
  it('splits into the same rows as splitDomain, without copying pixels', async () => {
    const set = ramp(40, 2);
    const split = splitReader(memoryReader(set), { seed: 3 });
    const copied = splitDomain(set, { seed: 3 });
    expect(await readAll(split.validation)).toEqual(copied.validation.images);
    expect(split.train.labels).toEqual(copied.train.labels);
    const view = rowsReader(memoryReader(set), [5, 5]);
    expect(view.count).toBe(2);
  });
});
