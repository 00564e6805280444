import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/random/index.ts';
import { nearestNeighbours } from '../../../lib/neighbours/neighbour-search.ts';
import { gaussianClusters } from '../tsne/tsne-fixtures.ts';

function bruteForce(data: Float32Array, d: number, k: number): number[][] {
  const n = data.length / d;
  return Array.from({ length: n }, (_, i) => {
    const others: [number, number][] = [];
    for (let j = 0; j < n; j++) {
      if (j !== i) {
        let s = 0;
        for (let t = 0; t < d; t++) {
          s += (data[i * d + t]! - data[j * d + t]!) ** 2;
        }
        others.push([s, j]);
      }
    }
    others.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return others.slice(0, k).map(([, j]) => j);
  });
}

describe('nearestNeighbours', () => {
  it('finds the exact k nearest, nearest first, through the screened path (n > 256, d ≥ 64)', () => {
    const { data, d } = gaussianClusters(6, 300, 64, 5, 1);
    const graph = nearestNeighbours(data, d, 20);
    expect(graph.k).toBe(20);
    expect(Array.from({ length: 300 }, (_, i) => Array.from(graph.indices.subarray(i * 20, (i + 1) * 20)))).toEqual(bruteForce(data, d, 20));
    expect(graph.squaredDistances.every((s, e) => e % 20 === 0 || s >= graph.squaredDistances[e - 1]!)).toBe(true);
  });

  it('breaks distance ties by lower index, whatever order the pairs are met in', () => {
    // A 6 x 6 integer grid: many equal distances.
    const data = new Float32Array(72);
    for (let i = 0; i < 36; i++) {
      data[2 * i] = i % 6;
      data[2 * i + 1] = Math.floor(i / 6);
    }
    const graph = nearestNeighbours(data, 2, 8);
    expect(Array.from({ length: 36 }, (_, i) => Array.from(graph.indices.subarray(i * 8, (i + 1) * 8)))).toEqual(bruteForce(data, 2, 8));
  });

  it('clips k to n - 1 and returns nothing for a single point', () => {
    const random = new SeededRandom(1);
    const data = Float32Array.from({ length: 15 }, () => random.normal());
    expect(nearestNeighbours(data, 3, 10).k).toBe(4);
    expect(nearestNeighbours(data.subarray(0, 3), 3, 10)).toMatchObject({ n: 1, k: 0 });
    expect(() => nearestNeighbours(data, 4, 2)).toThrow(/15 values, which is not n rows of d = 4/);
  });
});

describe('nearestNeighbours on the SIMD kernel', () => {
  const rows = (graph: { n: number; k: number; indices: Int32Array }) =>
    Array.from({ length: graph.n }, (_, i) => Array.from(graph.indices.subarray(i * graph.k, (i + 1) * graph.k)));

  it('finds the brute-force neighbours when n is no multiple of 4 and d is odd (padded rows and blocks)', () => {
    const { data, d } = gaussianClusters(4, 203, 65, 6, 1);
    const graph = nearestNeighbours(data, d, 25, { kernel: 'simd' });
    expect(rows(graph)).toEqual(bruteForce(data, d, 25));
    const js = nearestNeighbours(data, d, 25, { kernel: 'js' });
    for (let e = 0; e < graph.squaredDistances.length; e++) {
      expect(Math.abs(graph.squaredDistances[e]! - js.squaredDistances[e]!)).toBeLessThanOrEqual(1e-12 * js.squaredDistances[e]!);
    }
  });

  it('gives the JS search its neighbours on the t-SNE bench shape, k larger than a cluster', () => {
    const { data, d } = gaussianClusters(5, 700, 96, 10, 1);
    expect(rows(nearestNeighbours(data, d, 120, { kernel: 'simd' }))).toEqual(rows(nearestNeighbours(data, d, 120, { kernel: 'js' })));
  });

  it('orders duplicate rows and equal distances by index', () => {
    // 40 points in 8-D on a small integer lattice, each twice: distances tie everywhere, duplicates at 0.
    const random = new SeededRandom(9);
    const base = Float32Array.from({ length: 40 * 8 }, () => Math.floor(random.next() * 3));
    const data = new Float32Array(80 * 8);
    data.set(base);
    data.set(base, 40 * 8);
    const graph = nearestNeighbours(data, 8, 30, { kernel: 'simd' });
    expect(rows(graph)).toEqual(bruteForce(data, 8, 30));
    expect(graph.squaredDistances[0]).toBe(0);
  });

  it('handles the smallest inputs', () => {
    const two = Float32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(nearestNeighbours(two, 8, 5, { kernel: 'simd' })).toMatchObject({
      n: 2,
      k: 1,
      indices: Int32Array.from([1, 0]),
      squaredDistances: Float64Array.from([8, 8]),
    });
    expect(nearestNeighbours(two.subarray(0, 8), 8, 5, { kernel: 'simd' })).toMatchObject({ n: 1, k: 0 });
  });
});
