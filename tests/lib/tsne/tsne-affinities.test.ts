import { describe, expect, it } from 'vitest';
import { nearestNeighbours } from '../../../lib/neighbours/neighbour-search.ts';
import { calibrateRow, inputAffinities, type SparseAffinities } from '../../../lib/tsne/tsne-affinities.ts';
import { jointProbabilities, sparseFromDense } from './tsne-kl.ts';
import { gaussianClusters } from './tsne-fixtures.ts';

function dense(P: SparseAffinities): Float64Array {
  const out = new Float64Array(P.n * P.n);
  for (let i = 0; i < P.n; i++) {
    for (let e = P.rowStart[i]!; e < P.rowStart[i + 1]!; e++) {
      out[i * P.n + P.columns[e]!] = P.values[e]!;
    }
  }
  return out;
}

describe('t-SNE input affinities', () => {
  it('calibrates each row to the requested perplexity, even for distances far too large for exp()', () => {
    for (const offset of [0, 1e6]) {
      const distances = Float64Array.from({ length: 90 }, (_, j) => offset + j * 0.5);
      const p = new Float64Array(90);
      calibrateRow(distances, 30, p);
      const entropy = -p.reduce((h, x) => (x > 0 ? h + x * Math.log(x) : h), 0);
      expect(Math.exp(entropy)).toBeCloseTo(30, 3);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it('equals the exact joint P when every other point is a neighbour', () => {
    const { data, d, n } = gaussianClusters(4, 40, 8, 2);
    const sparse = dense(inputAffinities(nearestNeighbours(data, d, n - 1), 10));
    const exact = jointProbabilities(data, d, 10);
    expect(Math.max(...sparse.map((v, c) => Math.abs(v - exact[c]!)))).toBeLessThan(1e-14);
  });

  it('is symmetric, sums to one and keeps every kNN edge in both directions', () => {
    const { data, d, n } = gaussianClusters(5, 300, 16, 4);
    const graph = nearestNeighbours(data, d, 30);
    const P = inputAffinities(graph, 10);
    const full = dense(P);
    expect(P.values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    let problems = 0;
    for (let i = 0; i < n; i++) {
      problems += full[i * n + i] === 0 ? 0 : 1;
      for (let r = 0; r < graph.k; r++) {
        const j = graph.indices[i * graph.k + r]!;
        problems += full[i * n + j] === full[j * n + i] && full[i * n + j]! > 0 ? 0 : 1;
      }
      for (let e = P.rowStart[i]! + 1; e < P.rowStart[i + 1]!; e++) {
        problems += P.columns[e]! > P.columns[e - 1]! ? 0 : 1;
      }
    }
    expect(problems).toBe(0);
  });

  it('converts a dense matrix without its diagonal or zeros', () => {
    const P = sparseFromDense([5, 0.25, 0, 0.25, 5, 0.5, 0, 0.5, 5], 3);
    expect(Array.from(P.rowStart)).toEqual([0, 1, 3, 4]);
    expect(Array.from(P.columns)).toEqual([1, 0, 2, 1]);
  });
});
