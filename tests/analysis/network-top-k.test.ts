import { describe, expect, it } from 'vitest';
import { topK, topKUnordered } from '../../analysis/network-top-k.ts';

describe('topK', () => {
  it('returns the best indices first, ties by secondary score then lower index', () => {
    expect(Array.from(topK([1, 5, 3, 5, 0], 3))).toEqual([1, 3, 2]);
    expect(Array.from(topK([1, 5, 3, 5, 0], 2, [0, 1, 0, 2, 0]))).toEqual([3, 1]);
    expect(Array.from(topK([2, 1], 5))).toEqual([0, 1]);
    expect(topK([2, 1], 0).length).toBe(0);
  });

  it('matches a full sort on random inputs', () => {
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 100; trial++) {
      const scores = Array.from({ length: Math.floor(next() * 60) }, () => Math.floor(next() * 10));
      const k = Math.floor(next() * 20);
      const sorted = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
      expect(Array.from(topK(scores, k))).toEqual(sorted.slice(0, k));
    }
  });
});

describe('topKUnordered', () => {
  it('returns the same set as topK, in index order, ties at the threshold to the lower indices', () => {
    expect(Array.from(topKUnordered([1, 5, 3, 5, 0], 3))).toEqual([1, 2, 3]);
    expect(Array.from(topKUnordered([4, 4, 4, 4], 2))).toEqual([0, 1]);
    expect(Array.from(topKUnordered([2, 1], 5))).toEqual([0, 1]);
    expect(topKUnordered([2, 1], 0).length).toBe(0);
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const scratch = new Float64Array(3000);
    for (let trial = 0; trial < 200; trial++) {
      const n = Math.floor(next() * 3000);
      // Few distinct values (many ties) in half the trials, continuous ones in the rest.
      const scores = Float64Array.from({ length: n }, () => (trial % 2 ? Math.floor(next() * 7) - 3 : next() * 2 - 1));
      const k = Math.floor(next() * (n + 5));
      const expected = Array.from(topK(scores, k)).sort((a, b) => a - b);
      expect(Array.from(topKUnordered(scores, k, scratch))).toEqual(expected);
    }
  });
});
