import { describe, expect, it } from 'vitest';
import { memoryReader } from '../../datasets/image-reader.ts';
import { allocateImageSet } from '../../datasets/image-set.ts';
import { Store } from '../../store/store.ts';
import { PIXELS_PER_CLASS, storedInstances } from '../../trainer/stored-instances.ts';
import { runMeta } from '../helpers/run-fixture.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const dir = useTempDir();

/** `count` images of `side` x `side` whose every value is (row % 200 + 1) / 255, labels alternating. */
function set(count: number, side: number, classes: number) {
  const s = allocateImageSet(
    count,
    side,
    side,
    Array.from({ length: classes }, (_, i) => `c${i}`),
  );
  const length = side * side * 3;
  for (let i = 0; i < count; i++) {
    s.labels[i] = i % classes;
    s.images.fill(((i % 200) + 1) / 255, i * length, (i + 1) * length);
  }
  return s;
}

describe('storedInstances', () => {
  it('stores every small image whole, as the digit runs always did', async () => {
    const stored = await storedInstances('target-validation', memoryReader(set(70, 8, 2)));
    expect(stored.pixelRows).toBeUndefined();
    expect(stored.pixels).toHaveLength(70 * 8 * 8 * 3);
    expect(stored.pixels[69 * 192]).toBe(70);
  });

  it('keeps pixels of the first rows of each class for large images, and every label; the store reads the rest back as zeros', async () => {
    const count = 2 * PIXELS_PER_CLASS + 10;
    const stored = await storedInstances('source-validation', memoryReader(set(count, 70, 2)));
    expect(stored.labels).toHaveLength(count);
    expect(Array.from(stored.pixelRows!)).toEqual(Array.from({ length: 2 * PIXELS_PER_CLASS }, (_, i) => i));
    expect(stored.pixels).toHaveLength(2 * PIXELS_PER_CLASS * 70 * 70 * 3);
    const store = await Store.open(`${dir}/db`);
    try {
      await store.createRun(runMeta('big', { classNames: ['c0', 'c1'] }));
      await store.putInstances('big', [stored]);
      const back = await store.getInstances('big', 'source-validation');
      const size = 70 * 70 * 3;
      expect(back.labels).toEqual(stored.labels);
      expect(back.pixels.subarray(0, stored.pixels.length)).toEqual(stored.pixels);
      expect(back.pixels.subarray(stored.pixels.length).every((v) => v === 0)).toBe(true);
      expect(back.pixels[(2 * PIXELS_PER_CLASS - 1) * size]).toBe(2 * PIXELS_PER_CLASS);
    } finally {
      store.close();
    }
  });
});
