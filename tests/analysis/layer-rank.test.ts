import { describe, expect, it } from 'vitest';
import { rankAscending } from '../../analysis/layer-rank.ts';

/** The definition: 1 + (values below) + (other values equal) / 2. */
function bruteForceRanks(values: number[]): number[] {
  return values.map((v) => 1 + values.filter((w) => w < v).length + (values.filter((w) => w === v).length - 1) / 2);
}

describe('rankAscending', () => {
  it('ranks from 1 upwards and gives ties their average rank', () => {
    expect(Array.from(rankAscending([3, 1, 2]))).toEqual([3, 1, 2]);
    expect(Array.from(rankAscending([5, 5, 1]))).toEqual([2.5, 2.5, 1]);
    expect(Array.from(rankAscending([7, 7, 7, 7]))).toEqual([2.5, 2.5, 2.5, 2.5]);
    expect(Array.from(rankAscending([0.5, -2, 0.5, 9, -2]))).toEqual([3.5, 1.5, 3.5, 5, 1.5]);
    expect(Array.from(rankAscending(new Float32Array([-0, 0, -Infinity])))).toEqual([2.5, 2.5, 1]);
    expect(rankAscending([]).length).toBe(0);
  });

  it('agrees with the definition on many random arrays with ties', () => {
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 200; trial++) {
      const values = Array.from({ length: 1 + Math.floor(next() * 30) }, () => Math.floor(next() * 8) - 4);
      const ranks = rankAscending(values);
      expect(Array.from(ranks)).toEqual(bruteForceRanks(values));
      expect(ranks.reduce((a, b) => a + b, 0)).toBe((values.length * (values.length + 1)) / 2);
    }
  });

  it('refuses NaN', () => {
    expect(() => rankAscending([1, Number.NaN])).toThrow(/NaN at index 1/);
  });
});
