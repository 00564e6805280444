import { describe, expect, it } from 'vitest';
import { allocateImageSet, classCounts, imageAt, indicesByClass, subset } from '../../datasets/image-set.ts';

/** A 4-image 2x2 set where every value of image i is i / 10, labels [0, 1, 1, 2]. */
function tinySet() {
  const set = allocateImageSet(4, 2, 2, ['a', 'b', 'c']);
  for (let i = 0; i < 4; i++) {
    imageAt(set, i).fill(i / 10);
  }
  set.labels.set([0, 1, 1, 2]);
  return set;
}

describe('image sets', () => {
  it('allocates NHWC RGB storage', () => {
    const set = allocateImageSet(3, 4, 5, ['x']);
    expect(set.images).toHaveLength(3 * 4 * 5 * 3);
    expect(set.labels).toHaveLength(3);
    expect(imageAt(set, 2)).toHaveLength(60);
  });

  it('copies the chosen images and labels in order, repeats allowed', () => {
    const set = tinySet();
    const picked = subset(set, [3, 0, 3]);
    expect(picked.count).toBe(3);
    expect(Array.from(picked.labels)).toEqual([2, 0, 2]);
    expect(Array.from(imageAt(picked, 0))).toEqual(new Array(12).fill(Math.fround(0.3)));
    expect(Array.from(imageAt(picked, 1))).toEqual(new Array(12).fill(0));
    picked.images[0] = 9;
    expect(set.images[36]).toBeCloseTo(0.3); // a copy, not a view
    expect(subset(set, []).count).toBe(0);
  });

  it('rejects indices outside the set', () => {
    expect(() => subset(tinySet(), [0, 4])).toThrow(/index 4 at position 1, but the set has 4 images/);
    expect(() => subset(tinySet(), [-1])).toThrow(RangeError);
  });

  it('counts and groups by class', () => {
    const set = tinySet();
    expect(classCounts(set)).toEqual([1, 2, 1]);
    expect(indicesByClass(set)).toEqual([[0], [1, 2], [3]]);
  });
});
