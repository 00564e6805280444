import { describe, expect, it } from 'vitest';
import { fuzzyGraph } from '../../../lib/dvi/fuzzy-graph.ts';
import { SeededRandom } from '../../../lib/random/index.ts';

/** Dense n x n fuzzy-union memberships from all-pairs distances, with σ found by bisection in log space. */
function bruteForceMemberships(data: Float32Array, d: number, k: number): { weights: Float64Array; rho: Float64Array; sigma: Float64Array } {
  const n = data.length / d;
  const directed = new Float64Array(n * n);
  const rho = new Float64Array(n);
  const sigma = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const others: { j: number; distance: number }[] = [];
    for (let j = 0; j < n; j++) {
      if (j !== i) {
        let s = 0;
        for (let c = 0; c < d; c++) {
          s += (data[i * d + c]! - data[j * d + c]!) ** 2;
        }
        others.push({ j, distance: Math.sqrt(s) });
      }
    }
    others.sort((p, q) => p.distance - q.distance || p.j - q.j);
    const nearest = others.slice(0, k);
    rho[i] = nearest.find((o) => o.distance > 0)?.distance ?? 0;
    const total = (s: number): number => nearest.reduce((sum, o) => sum + Math.exp(-Math.max(0, o.distance - rho[i]!) / s), 0);
    let lo = -30;
    let hi = 30;
    for (let step = 0; step < 200; step++) {
      const mid = (lo + hi) / 2;
      if (total(Math.exp(mid)) > Math.log2(k)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    sigma[i] = Math.exp((lo + hi) / 2);
    for (const o of nearest) {
      directed[i * n + o.j] = Math.exp(-Math.max(0, o.distance - rho[i]!) / sigma[i]!);
    }
  }
  const weights = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = directed[i * n + j]!;
      const b = directed[j * n + i]!;
      weights[i * n + j] = a + b - a * b;
    }
  }
  return { weights, rho, sigma };
}

describe('fuzzyGraph', () => {
  const random = new SeededRandom(5);
  const n = 60;
  const d = 7;
  const data = Float32Array.from({ length: n * d }, (_, c) => random.normal() + (Math.floor(c / d) % 3) * 4);

  it('matches a brute-force fuzzy simplicial set on small data (k = 15)', () => {
    const graph = fuzzyGraph(data, d, 15);
    const reference = bruteForceMemberships(data, d, 15);
    for (let i = 0; i < n; i++) {
      expect(graph.rho[i]).toBeCloseTo(reference.rho[i]!, 5);
      expect(Math.abs(graph.sigma[i]! - reference.sigma[i]!) / reference.sigma[i]!).toBeLessThan(1e-3);
    }
    const dense = new Float64Array(n * n);
    for (let e = 0; e < graph.heads.length; e++) {
      const i = graph.heads[e]!;
      const j = graph.tails[e]!;
      expect(i).toBeLessThan(j);
      expect(dense[i * n + j]).toBe(0); // each undirected pair appears once
      dense[i * n + j] = graph.weights[e]!;
    }
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        expect(dense[i * n + j]).toBeCloseTo(reference.weights[i * n + j]!, 3);
      }
    }
  });

  it('gives every point a membership of 1 to its nearest neighbour (ρ makes the closest edge certain)', () => {
    const graph = fuzzyGraph(data, d, 15);
    const strongest = new Float64Array(n);
    for (let e = 0; e < graph.heads.length; e++) {
      strongest[graph.heads[e]!] = Math.max(strongest[graph.heads[e]!]!, graph.weights[e]!);
      strongest[graph.tails[e]!] = Math.max(strongest[graph.tails[e]!]!, graph.weights[e]!);
    }
    expect(Array.from(strongest).every((w) => Math.abs(w - 1) < 1e-6)).toBe(true);
  });

  it('has no edges for a single point and one edge of weight 1 for two', () => {
    expect(fuzzyGraph(Float32Array.of(1, 2), 2).heads.length).toBe(0);
    const two = fuzzyGraph(Float32Array.of(0, 0, 3, 4), 2);
    expect(Array.from(two.heads)).toEqual([0]);
    expect(Array.from(two.tails)).toEqual([1]);
    expect(two.weights[0]).toBe(1);
  });
});
