import { describe, expect, it } from 'vitest';
import { allocateImageSet, classCounts, imageAt, type ImageSet } from '../../datasets/image-set.ts';
import { splitDomain } from '../../datasets/split-domain.ts';

/** A 1x1-pixel set whose image i holds the value i in its first channel, so images can be traced. */
function tracedSet(labels: number[]): ImageSet {
  const set = allocateImageSet(labels.length, 1, 1, ['a', 'b', 'c', 'd']);
  set.labels.set(labels);
  labels.forEach((_, i) => {
    imageAt(set, i)[0] = i;
  });
  return set;
}
const ids = (set: ImageSet): number[] => Array.from({ length: set.count }, (_, i) => imageAt(set, i)[0]!);

describe('splitDomain', () => {
  // Uneven classes: 400, 100, 7 and 0 images.
  const labels = [...new Array(400).fill(0), ...new Array(100).fill(1), ...new Array(7).fill(2)];
  const set = tracedSet(labels);

  it('puts round(85%) of every class in train and the rest in validation', () => {
    const { train, validation } = splitDomain(set, { seed: 1 });
    expect(classCounts(train)).toEqual([340, 85, 6, 0]);
    expect(classCounts(validation)).toEqual([60, 15, 1, 0]);
    expect(splitDomain(set, { seed: 1, trainFraction: 0.5 }).train.count).toBe(200 + 50 + 4);
  });

  it('assigns every image to exactly one part with its own label', () => {
    const { train, validation } = splitDomain(set, { seed: 2 });
    const all = [...ids(train), ...ids(validation)].sort((a, b) => a - b);
    expect(all).toEqual(labels.map((_, i) => i));
    for (const part of [train, validation]) {
      ids(part).forEach((id, i) => expect(part.labels[i]).toBe(labels[id]));
    }
  });

  it('is deterministic per seed and interleaves classes', () => {
    const a = splitDomain(set, { seed: 3 });
    expect(ids(splitDomain(set, { seed: 3 }).validation)).toEqual(ids(a.validation));
    expect(ids(splitDomain(set, { seed: 4 }).validation)).not.toEqual(ids(a.validation));
    const firstLabels = Array.from(a.train.labels.slice(0, 50));
    expect(new Set(firstLabels).size).toBeGreaterThan(1);
  });

  it('handles an empty set and rejects impossible fractions', () => {
    const empty = splitDomain(tracedSet([]), { seed: 1 });
    expect([empty.train.count, empty.validation.count]).toEqual([0, 0]);
    expect(() => splitDomain(set, { seed: 1, trainFraction: 1 })).toThrow(/strictly between 0 and 1 \(got 1\)/);
    expect(() => splitDomain(set, { seed: 1, trainFraction: Number.NaN })).toThrow(/got NaN/);
  });
});
