import { beforeAll, describe, expect, it } from 'vitest';
import { nearestNeighbours } from '../../../lib/neighbours/neighbour-search.ts';
import { meanDisplacement } from '../../../lib/neighbours/neighbour-preservation.ts';
import { procrustes } from '../../../lib/procrustes/index.ts';
import { embedAffinities, tsne } from '../../../lib/tsne/tsne.ts';
import { inputAffinities } from '../../../lib/tsne/tsne-affinities.ts';
import { klDivergence, layoutKlDivergence, sparseKlDivergence, sparseFromDense } from './tsne-kl.ts';
import { gaussianClusters, perturbed } from './tsne-fixtures.ts';
import { runTsneJs, type ReferenceRun } from './tsne-reference.ts';

/** Share of each point's 10 nearest layout neighbours that carry its label. */
function labelPurity(layout: Float32Array, labels: Int32Array): number {
  const graph = nearestNeighbours(layout, 2, 10);
  let same = 0;
  for (let e = 0; e < graph.indices.length; e++) {
    same += labels[graph.indices[e]!] === labels[Math.floor(e / graph.k)] ? 1 : 0;
  }
  return same / graph.indices.length;
}

describe('t-SNE against tsne-js (exact t-SNE)', () => {
  // 150 points in 50-D, 5 clusters whose centres are as far apart as the clusters are wide.
  const { data, d, n, labels } = gaussianClusters(3, 150, 50, 5, 1);
  const perplexity = 30;
  let reference: ReferenceRun;
  let ours: Float32Array;

  beforeAll(() => {
    // tsne-js's documented settings; it stops itself once the cost stalls (about 200 steps here).
    reference = runTsneJs(data, d, { perplexity, earlyExaggeration: 4, learningRate: 100, iterations: 1000 }, 1);
    ours = tsne(data, d, { perplexity, seed: 0 });
  });

  it('reaches an exact KL on the t-SNE objective within 5% of tsne-js (here: lower)', () => {
    const ourKl = layoutKlDivergence(data, d, ours, perplexity);
    const referenceKl = layoutKlDivergence(data, d, reference.layout, perplexity);
    expect(ourKl).toBeLessThan(1.05 * referenceKl);
  });

  it('reaches it with the FFT repulsion too (150 points take Barnes-Hut by default)', () => {
    // Boxes up to 2 units wide keep the grid at 128: with 1-unit boxes this 1,000-step run spends a minute on FFTs
    // (3-unit boxes were too coarse: the layout broke up, KL 1.26).
    const fft = tsne(data, d, { perplexity, seed: 0, repulsion: 'fft', fftBoxWidth: 2 });
    const referenceKl = layoutKlDivergence(data, d, reference.layout, perplexity);
    expect(layoutKlDivergence(data, d, fft, perplexity)).toBeLessThan(1.05 * referenceKl);
    expect(labelPurity(fft, labels)).toBeGreaterThan(0.97);
  });

  it("optimises tsne-js's own P to within 5% of tsne-js's own final KL", () => {
    // tsne-js builds P from unsquared distances, so the fair optimiser comparison runs ours on its P.
    const layout = embedAffinities(sparseFromDense(reference.P, n), { seed: 0 });
    const referenceKl = klDivergence(reference.P, reference.layout);
    expect(referenceKl).toBeCloseTo(reference.error, 2);
    expect(klDivergence(reference.P, layout)).toBeLessThan(1.05 * referenceKl);
  });

  it('keeps the clusters apart', () => {
    expect(labelPurity(ours, labels)).toBeGreaterThan(0.97);
  });
});

describe('tsne', () => {
  const { data, d, labels } = gaussianClusters(8, 120, 20, 4, 1);

  it('gives the same layout bit for bit for a seed, and another for another seed', () => {
    const a = tsne(data, d, { perplexity: 15, iterations: 150, seed: 5 });
    const b = tsne(data, d, { perplexity: 15, iterations: 150, seed: 5 });
    const c = tsne(data, d, { perplexity: 15, iterations: 150, seed: 6 });
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it('optimises a P as well with the JS loops as with the SIMD kernels (the tree walk sums in another order)', () => {
    // The attraction kernel gives the JS loop's bits (tsne-attraction.test.ts); the Barnes-Hut kernel's sums
    // may differ in the last bits, which a layout amplifies, so the two layouts are compared by quality.
    const P = inputAffinities(nearestNeighbours(data, d, 45), 15);
    const simd = embedAffinities(P, { seed: 5 });
    const js = embedAffinities(P, { seed: 5, simd: false });
    for (const layout of [simd, js]) {
      expect(labelPurity(layout, labels)).toBeGreaterThan(0.97);
    }
    // Seeds alone spread this 120-point layout's KL by ±5% (0.47-0.50).
    expect(sparseKlDivergence(P, simd)).toBeCloseTo(sparseKlDivergence(P, js), 1);
  });

  it('reaches the same KL with the JS loops, whose distances differ from the SIMD ones only in the last bits', () => {
    const simd = tsne(data, d, { perplexity: 15, seed: 5 });
    const js = tsne(data, d, { perplexity: 15, seed: 5, simd: false });
    expect(layoutKlDivergence(data, d, simd, 15)).toBeCloseTo(layoutKlDivergence(data, d, js, 15), 1);
  });

  it('reports every step', () => {
    const seen: [number, number][] = [];
    tsne(data, d, { perplexity: 15, iterations: 20, onProgress: (i, total) => seen.push([i, total]) });
    expect(seen).toHaveLength(20);
    expect(seen[0]).toEqual([1, 20]);
    expect(seen[19]).toEqual([20, 20]);
  });

  it('takes 250 + 750 steps for few points, 150 + 375 at 800 and 150 + 250 from 1,200 points on', () => {
    const steps = (n: number): number => {
      let total = 0;
      // A ring of neighbours is enough P to run on; only the schedule is observed.
      const rowStart = Int32Array.from({ length: n + 1 }, (_, i) => 2 * i);
      const columns = Int32Array.from({ length: 2 * n }, (_, e) => (Math.floor(e / 2) + (e % 2 ? 1 : n - 1)) % n);
      const values = new Float64Array(2 * n).fill(1 / (2 * n));
      embedAffinities({ n, rowStart, columns, values }, { onProgress: (_step, of) => (total = of) });
      return total;
    };
    expect(steps(120)).toBe(250 + 750);
    expect(steps(499)).toBe(250 + 601);
    expect(steps(500)).toBe(150 + 600);
    expect(steps(800)).toBe(150 + 375);
    expect(steps(1200)).toBe(150 + 250);
  });

  it('handles empty, single-point and tiny inputs, and rejects bad shapes', () => {
    expect(tsne(new Float32Array(0), 4)).toEqual(new Float32Array(0));
    expect(Array.from(tsne(Float32Array.of(1, 2, 3), 3))).toEqual([0, 0]);
    // Perplexity 40 cannot be met by 6 points; it shrinks to what they allow instead of failing.
    const tiny = tsne(data.subarray(0, 6 * d), d, { iterations: 50 });
    expect(tiny.every(Number.isFinite)).toBe(true);
    expect(() => tsne(new Float32Array(10), 3)).toThrow(/not n rows of d = 3/);
    expect(() => tsne(data, d, { init: new Float32Array(4) })).toThrow(/init has 4 values for 120 points/);
    expect(() => tsne(data, d, { perplexity: 0 })).toThrow(/perplexity must be positive/);
  });
});

describe('warm start from the previous checkpoint', () => {
  it('moves points far less than an independent run, at no worse cost', () => {
    const { data, d } = gaussianClusters(5, 200, 40, 5, 1);
    // Noise of 0.1 against a within-cluster spread of 1: the next checkpoint of a model that barely changed.
    const next = perturbed(data, 9, 0.1);
    const previous = tsne(data, d, { perplexity: 30, seed: 1 });
    const warm = tsne(next, d, { perplexity: 30, init: previous });
    const cold = tsne(next, d, { perplexity: 30, seed: 2 });
    // Align both first, so the comparison is not about rotation, which Procrustes removes anyway.
    const warmMove = meanDisplacement(previous, procrustes(previous, warm).aligned);
    const coldMove = meanDisplacement(previous, procrustes(previous, cold).aligned);
    expect(warmMove).toBeLessThan(0.3 * coldMove);
    expect(layoutKlDivergence(next, d, warm, 30)).toBeLessThan(1.02 * layoutKlDivergence(next, d, cold, 30));
  });

  it('rescales the start when asked', () => {
    const { data, d } = gaussianClusters(5, 60, 10, 3, 2);
    const start = tsne(data, d, { perplexity: 10, iterations: 100 });
    // One vanishingly small step, so the output is the rescaled start.
    const shrunk = tsne(data, d, { perplexity: 10, init: start, initStd: 1e-4, iterations: 1, learningRate: 1e-9 });
    const std = Math.sqrt(shrunk.reduce((s, v) => s + v * v, 0) / shrunk.length);
    expect(std).toBeCloseTo(1e-4, 6);
  });
});
