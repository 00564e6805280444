import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { classCounts, imageAt } from '../../datasets/image-set.ts';
import { balancedQuotas, loadMnistDigits, loadMnistPixelsByClass, MNIST_TOTAL } from '../../datasets/mnist-digits.ts';

const STOCK = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
const sameBytes = (a: Float32Array, b: Float32Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const mean = (values: ArrayLike<number>): number => Array.from(values).reduce((a, b) => a + b, 0) / values.length;

describe('the mnist package data', () => {
  it('parses to exactly what the package itself serves', () => {
    const byClass = loadMnistPixelsByClass();
    expect(byClass.map((pixels) => pixels.length / 784)).toEqual(STOCK);
    const mnist = createRequire(import.meta.url)('mnist') as { length: number; get(i: number): number[] }[];
    for (let digit = 0; digit < 10; digit++) {
      expect(mnist[digit]!.length).toBe(STOCK[digit]);
      for (const index of [0, 1, 500, STOCK[digit]! - 1]) {
        const ours = Array.from(byClass[digit]!.subarray(index * 784, (index + 1) * 784));
        expect(ours).toEqual(mnist[digit]!.get(index).map(Math.fround));
      }
    }
  });
});

describe('balancedQuotas', () => {
  it('splits evenly, remainder to the lowest labels', () => {
    expect(balancedQuotas(STOCK, 1003)).toEqual([101, 101, 101, 100, 100, 100, 100, 100, 100, 100]);
  });

  it("hands a short class's shortfall to the others", () => {
    const quotas = balancedQuotas(STOCK, 9500);
    expect(quotas.reduce((a, b) => a + b, 0)).toBe(9500);
    expect(quotas[5]).toBe(863);
    quotas.forEach((q, c) => {
      expect(q).toBeLessThanOrEqual(STOCK[c]!);
      // A class below its stock is within one of every other class: nothing left to even out.
      if (q < STOCK[c]!) {
        expect(Math.max(...quotas)).toBeLessThanOrEqual(q + 1);
      }
    });
    expect(balancedQuotas(STOCK, MNIST_TOTAL)).toEqual(STOCK);
    expect(balancedQuotas(STOCK, 0)).toEqual(new Array(10).fill(0));
  });
});

describe('loadMnistDigits', () => {
  it('returns count images, balanced labels and LeNet-style padding at 32 px', () => {
    const set = loadMnistDigits({ count: 1000, seed: 4 });
    expect(set).toMatchObject({ count: 1000, height: 32, width: 32 });
    expect(set.images).toHaveLength(1000 * 32 * 32 * 3);
    expect(classCounts(set)).toEqual(new Array(10).fill(100));
    expect(set.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    // MNIST's mean intensity is ~0.13 over 28x28, so ~0.10 once padded to 32x32; strokes reach 1.
    expect(mean(set.images)).toBeGreaterThan(0.08);
    expect(mean(set.images)).toBeLessThan(0.12);
    expect(Math.max(...set.images.subarray(0, 32 * 32 * 3))).toBeGreaterThan(0.9);
    let grey = true;
    let borderInk = 0;
    for (let i = 0; i < 20; i++) {
      const image = imageAt(set, i);
      for (let p = 0; p < 32 * 32; p++) {
        const [x, y] = [p % 32, Math.floor(p / 32)];
        grey &&= image[p * 3] === image[p * 3 + 1] && image[p * 3] === image[p * 3 + 2];
        if (x < 2 || x >= 30 || y < 2 || y >= 30) {
          borderInk += image[p * 3]!;
        }
      }
    }
    expect(grey).toBe(true);
    expect(borderInk).toBe(0);
  });

  it('labels each image with the class file it came from', () => {
    const byClass = loadMnistPixelsByClass();
    const set = loadMnistDigits({ count: 30, seed: 8 });
    for (let i = 0; i < set.count; i++) {
      const image = imageAt(set, i);
      const inner = Float32Array.from({ length: 784 }, (_, p) => image[((Math.floor(p / 28) + 2) * 32 + (p % 28) + 2) * 3]!);
      const pool = byClass[set.labels[i]!]!;
      let found = false;
      for (let k = 0; k < pool.length / 784 && !found; k++) {
        found = pool.subarray(k * 784, (k + 1) * 784).every((v, p) => v === inner[p]);
      }
      expect(found, `image ${i} labelled ${set.labels[i]}`).toBe(true);
    }
  });

  it('is deterministic per seed, distinct across seeds, and uses the whole stock at 10,000', () => {
    const a = loadMnistDigits({ count: 200, seed: 1 });
    expect(sameBytes(loadMnistDigits({ count: 200, seed: 1 }).images, a.images)).toBe(true);
    expect(sameBytes(loadMnistDigits({ count: 200, seed: 2 }).images, a.images)).toBe(false);
    const all = loadMnistDigits({ count: MNIST_TOTAL, seed: 3 });
    expect(classCounts(all)).toEqual(STOCK);
  });

  it('rescales to other sizes while keeping the mean intensity', () => {
    const at32 = loadMnistDigits({ count: 100, seed: 5 });
    for (const size of [16, 64]) {
      const other = loadMnistDigits({ count: 100, seed: 5, size });
      expect(other.images).toHaveLength(100 * size * size * 3);
      expect(Array.from(other.labels)).toEqual(Array.from(at32.labels));
      expect(Math.abs(mean(other.images) - mean(at32.images))).toBeLessThan(0.005);
    }
  });

  it('rejects counts beyond the shipped 10,000 digits', () => {
    expect(() => loadMnistDigits({ count: 10_001, seed: 1 })).toThrow(/integer in \[0, 10000\] \(got 10001\)/);
    expect(() => loadMnistDigits({ count: 10, seed: 1, size: 2 })).toThrow(/got 2/);
    expect(loadMnistDigits({ count: 0, seed: 1 }).count).toBe(0);
  });
});
