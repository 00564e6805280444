import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/random/index.ts';

const draw = (seed: number, n: number): number[] => {
  const random = new SeededRandom(seed);
  return Array.from({ length: n }, () => random.next());
};

describe('SeededRandom', () => {
  it('repeats its sequence for the same seed and diverges for another', () => {
    expect(draw(42, 100)).toEqual(draw(42, 100));
    const other = draw(43, 100);
    expect(other.filter((v, i) => v === draw(42, 100)[i])).toHaveLength(0);
    // Seeds 0 and 1 are the classic weak spot of naive seeding.
    expect(draw(0, 10)).not.toEqual(draw(1, 10));
  });

  it('draws uniform floats in [0, 1) and integers in [0, n)', () => {
    const random = new SeededRandom(7);
    const buckets = new Array<number>(10).fill(0);
    let [low, high] = [Infinity, -Infinity];
    let integers = true;
    for (let i = 0; i < 20_000; i++) {
      const v = random.next();
      low = Math.min(low, v);
      high = Math.max(high, v);
      const k = random.int(10);
      integers &&= Number.isInteger(k) && k >= 0 && k < 10;
      buckets[k] = buckets[k]! + 1;
    }
    expect(integers).toBe(true);
    expect(low).toBeGreaterThanOrEqual(0);
    expect(low).toBeLessThan(0.001);
    expect(high).toBeLessThan(1);
    expect(high).toBeGreaterThan(0.999);
    for (const b of buckets) {
      expect(b).toBeGreaterThan(1800);
      expect(b).toBeLessThan(2200);
    }
    const r = random.range(-3, -2);
    expect(r >= -3 && r < -2).toBe(true);
  });

  it('gives standard normal samples', () => {
    const random = new SeededRandom(3);
    const xs = Array.from({ length: 20_000 }, () => random.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('shuffles in place into a permutation, typed arrays included', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new SeededRandom(1).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
    const typed = new SeededRandom(1).shuffle(Int32Array.from(items));
    expect(Array.from(typed)).toEqual(shuffled);
  });

  it('refuses to pick from an empty array', () => {
    expect(() => new SeededRandom(1).pick([])).toThrow(/empty array/);
  });
});
