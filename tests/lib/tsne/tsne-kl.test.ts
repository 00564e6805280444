import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/random/index.ts';
import { jointProbabilities, klDivergence, layoutKlDivergence, sparseKlDivergence, sparseFromDense } from './tsne-kl.ts';
import { gaussianClusters } from './tsne-fixtures.ts';
import { tsneJsJointProbabilities, tsneJsKl } from './tsne-reference.ts';

describe('exact t-SNE cost', () => {
  const { data, d, n } = gaussianClusters(2, 60, 10, 3, 1);
  const squared = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        s += (data[i * d + t]! - data[j * d + t]!) ** 2;
      }
      squared[i * n + j] = s;
    }
  }
  const random = new SeededRandom(3);
  const Y = Float32Array.from({ length: 2 * n }, () => random.normal());

  it('builds the joint P that tsne-js builds from the same (squared) distances', () => {
    const P = jointProbabilities(data, d, 10);
    const reference = tsneJsJointProbabilities(squared, n, 10);
    let total = 0;
    let asymmetry = 0;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        total += P[i * n + j]!;
        asymmetry = Math.max(asymmetry, Math.abs(P[i * n + j]! - P[j * n + i]!));
        // Both bisect to an entropy tolerance of 1e-5 nats, from different starting bandwidths.
        worst = Math.max(worst, Math.abs(P[i * n + j]! - reference[i * n + j]!) / (reference[i * n + j]! + 1e-9));
      }
    }
    expect(Array.from({ length: n }, (_, i) => P[i * n + i])).toEqual(new Array(n).fill(0));
    expect(asymmetry).toBe(0);
    expect(worst).toBeLessThan(1e-3);
    expect(total).toBeCloseTo(1, 12);
  });

  it('computes the KL divergence tsne-js computes', () => {
    // tsne-js's own P: it floors every entry at machine epsilon, so its log never sees a zero.
    const P = tsneJsJointProbabilities(squared, n, 10);
    expect(klDivergence(P, Y)).toBeCloseTo(tsneJsKl(P, Y), 5);
    expect(layoutKlDivergence(data, d, Y, 10)).toBeCloseTo(klDivergence(P, Y), 3);
  });

  it('is zero when Q equals P and positive otherwise', () => {
    // Three points on a line: P built from the layout's own Student-t similarities makes Q = P.
    const line = Float32Array.from([0, 0, 1, 0, 3, 0]);
    const w = [0, 1 / 2, 1 / 10, 1 / 2, 0, 1 / 5, 1 / 10, 1 / 5, 0];
    const z = w.reduce((a, b) => a + b, 0);
    expect(
      klDivergence(
        w.map((x) => x / z),
        line,
      ),
    ).toBeCloseTo(0, 12);
    expect(klDivergence(jointProbabilities(data, d, 10), Y)).toBeGreaterThan(0.5);
  });

  it('gives the same KL from the sparse form of P', () => {
    const P = jointProbabilities(data, d, 10);
    // Drop the smallest entries so the sparse form really is sparse; both sides then score the same P.
    const pruned = P.map((p) => (p > 1e-4 ? p : 0));
    expect(sparseKlDivergence(sparseFromDense(pruned, n), Y)).toBeCloseTo(klDivergence(pruned, Y), 10);
    expect(sparseFromDense(pruned, n).values.length).toBeLessThan(0.9 * n * (n - 1));
  });

  it('rejects a P and a layout of different sizes', () => {
    expect(() => klDivergence(new Float64Array(9), new Float32Array(8))).toThrow(/n x n/);
    expect(() => sparseKlDivergence(sparseFromDense(new Float64Array(9), 3), new Float32Array(8))).toThrow(/8 values for P of 3 points/);
  });
});
