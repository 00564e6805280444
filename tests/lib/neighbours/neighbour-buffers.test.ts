import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/random/index.ts';
import { finishBuffers, makeNeighbourBuffers, pushCandidate } from '../../../lib/neighbours/neighbour-buffers.ts';

describe('neighbour candidate buffers', () => {
  it('keep the k nearest of every offer, in any order of offering, ties by index', () => {
    const n = 3;
    const k = 7;
    const random = new SeededRandom(4);
    // 200 candidates per point with distances from a few values, so ties are common; offered shuffled.
    const offers = Array.from({ length: n }, () => Array.from({ length: 200 }, (_, j) => ({ s: Math.floor(random.next() * 12), j })));
    const expected = offers.map((list) => [...list].sort((a, b) => a.s - b.s || a.j - b.j).slice(0, k));
    for (const order of [0, 1]) {
      const buffers = makeNeighbourBuffers(n, k);
      offers.forEach((list, i) => {
        const shuffled = order === 0 ? list : [...list].reverse();
        shuffled.forEach(({ s, j }) => pushCandidate(buffers, i, s, j));
      });
      const indices = new Int32Array(n * k);
      const distances = new Float64Array(n * k);
      finishBuffers(buffers, indices, distances);
      for (let i = 0; i < n; i++) {
        expect(Array.from(indices.subarray(i * k, (i + 1) * k))).toEqual(expected[i]!.map((c) => c.j));
        expect(Array.from(distances.subarray(i * k, (i + 1) * k))).toEqual(expected[i]!.map((c) => c.s));
      }
      // Once full, the bound is the k-th distance kept so far: never below the true k-th.
      expect(buffers.bound.every((b, i) => b >= expected[i]![k - 1]!.s)).toBe(true);
    }
  });
});
