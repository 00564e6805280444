import { describe, expect, it } from 'vitest';
import { classCounts, type ImageSet } from '../../datasets/image-set.ts';
import { makeSyntheticDigits } from '../../datasets/synthetic-digits.ts';

/**
 * Per-image grey levels, standardised, with polarity fixed so the centre (where the digit is) is the
 * bright side: the generator draws light-on-dark and dark-on-light equally often.
 */
function normalisedGrey(set: ImageSet): Float64Array[] {
  const n = set.width * set.height;
  const w = set.width;
  return Array.from({ length: set.count }, (_, i) => {
    const g = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      const a = (i * n + p) * 3;
      g[p] = 0.299 * set.images[a]! + 0.587 * set.images[a + 1]! + 0.114 * set.images[a + 2]!;
    }
    const mean = g.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(g.reduce((s, v) => s + (v - mean) ** 2, 0) / n) || 1;
    let centre = 0;
    let cells = 0;
    for (let y = w / 4; y < (3 * w) / 4; y++) {
      for (let x = (3 * w) / 8; x < (5 * w) / 8; x++) {
        centre += g[y * w + x]!;
        cells++;
      }
    }
    const sign = centre / cells < mean ? -1 : 1;
    return g.map((v) => (sign * (v - mean)) / sd);
  });
}

/** Accuracy on `test` of a nearest-class-mean classifier fitted on `train`. */
function nearestClassMeanAccuracy(train: ImageSet, test: ImageSet): number {
  const trainFeatures = normalisedGrey(train);
  const n = trainFeatures[0]!.length;
  const means = Array.from({ length: 10 }, () => new Float64Array(n));
  const counts = classCounts(train);
  trainFeatures.forEach((f, i) => {
    const mean = means[train.labels[i]!]!;
    f.forEach((v, p) => {
      mean[p] = mean[p]! + v / counts[train.labels[i]!]!;
    });
  });
  let correct = 0;
  normalisedGrey(test).forEach((f, i) => {
    const distances = means.map((m) => f.reduce((s, v, p) => s + (v - m[p]!) ** 2, 0));
    correct += distances.indexOf(Math.min(...distances)) === test.labels[i] ? 1 : 0;
  });
  return correct / test.count;
}

describe('makeSyntheticDigits', () => {
  it('is bit-identical for a seed and different for another seed', () => {
    const a = makeSyntheticDigits({ count: 40, seed: 5 });
    const b = makeSyntheticDigits({ count: 40, seed: 5 });
    const c = makeSyntheticDigits({ count: 40, seed: 6 });
    expect(Buffer.from(a.images.buffer).equals(Buffer.from(b.images.buffer))).toBe(true);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    let same = 0;
    a.images.forEach((v, i) => {
      same += v === c.images[i] ? 1 : 0;
    });
    expect(same / a.images.length).toBeLessThan(0.05);
  });

  it('produces NHWC RGB in [0, 1] with the requested shape, at any size', () => {
    for (const size of [32, 20, 64]) {
      const set = makeSyntheticDigits({ count: 12, seed: 1, size });
      expect(set).toMatchObject({ count: 12, height: size, width: size, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
      expect(set.images).toHaveLength(12 * size * size * 3);
      expect(set.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    expect(makeSyntheticDigits({ count: 0, seed: 1 }).images).toHaveLength(0);
  });

  it('balances classes and shuffles their order', () => {
    const set = makeSyntheticDigits({ count: 203, seed: 2, size: 8 });
    expect(classCounts(set)).toEqual([21, 21, 21, 20, 20, 20, 20, 20, 20, 20]);
    const first = Array.from(set.labels.slice(0, 20));
    expect(first).not.toEqual(first.map((_, i) => i % 10));
  });

  it('makes colourful, cluttered, contrasted images rather than flat fields', () => {
    const set = makeSyntheticDigits({ count: 200, seed: 3 });
    const pixels = 32 * 32;
    let colourful = 0;
    let contrasted = 0;
    for (let i = 0; i < set.count; i++) {
      let [lo, hi, chroma] = [1, 0, 0];
      for (let p = 0; p < pixels; p++) {
        const [r, g, b] = [0, 1, 2].map((c) => set.images[(i * pixels + p) * 3 + c]!) as [number, number, number];
        const luma = 0.299 * r + 0.587 * g + 0.114 * b;
        lo = Math.min(lo, luma);
        hi = Math.max(hi, luma);
        chroma += Math.max(r, g, b) - Math.min(r, g, b);
      }
      contrasted += hi - lo > 0.25 ? 1 : 0;
      colourful += chroma / pixels > 0.05 ? 1 : 0;
    }
    // The generator keeps every digit >= 0.28 luma away from its background before blur and noise.
    expect(contrasted / set.count).toBeGreaterThan(0.95);
    expect(colourful / set.count).toBeGreaterThan(0.5);
  });

  it('is learnable: a nearest-class-mean classifier on pixels transfers across seeds', () => {
    const train = makeSyntheticDigits({ count: 1500, seed: 11 });
    const test = makeSyntheticDigits({ count: 500, seed: 12 });
    // Measured ~0.69; chance is 0.10, and images whose labels did not match their digit would score ~0.10.
    expect(nearestClassMeanAccuracy(train, test)).toBeGreaterThan(0.45);
  });

  it('rejects counts and sizes it cannot honour', () => {
    expect(() => makeSyntheticDigits({ count: -1, seed: 1 })).toThrow(/count must be a non-negative integer \(got -1\)/);
    expect(() => makeSyntheticDigits({ count: 2.5, seed: 1 })).toThrow(/got 2.5/);
    expect(() => makeSyntheticDigits({ count: 1, seed: 1, size: 4 })).toThrow(/at least 8 pixels \(got 4\)/);
  });
});
