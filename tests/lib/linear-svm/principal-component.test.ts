import { describe, expect, it } from 'vitest';
import { firstPrincipalComponent } from '../../../lib/linear-svm/principal-component.ts';
import { SeededRandom } from '../../../lib/random/index.ts';
import { RowKernels } from '../../../lib/wasm/svm-kernels.ts';

/** n rows of 3 correlated features: x = A·z with z standard normal. */
function correlated(n: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  const A = [
    [2, 0.5, 0],
    [0.8, 1, 0.3],
    [0.1, -0.4, 0.6],
  ];
  const X = new Float32Array(n * 3);
  for (let r = 0; r < n; r++) {
    const z = [random.normal(), random.normal(), random.normal()];
    for (let k = 0; k < 3; k++) {
      X[r * 3 + k] = A[k]![0]! * z[0]! + A[k]![1]! * z[1]! + A[k]![2]! * z[2]! + 5;
    }
  }
  return X;
}

function sampleCovariance(X: Float32Array, d: number): number[][] {
  const n = X.length / d;
  const mean = Array.from({ length: d }, (_, k) => Array.from({ length: n }, (_, r) => X[r * d + k]!).reduce((a, b) => a + b) / n);
  return Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => {
      let s = 0;
      for (let r = 0; r < n; r++) {
        s += (X[r * d + a]! - mean[a]!) * (X[r * d + b]! - mean[b]!);
      }
      return s / (n - 1);
    }),
  );
}

/** Largest eigenvalue of a symmetric 3 x 3 matrix in closed form (trigonometric solution of the characteristic cubic), and its eigenvector. */
function topEigen3(M: number[][]): { value: number; vector: number[] } {
  const m = (i: number, j: number) => M[i]![j]!;
  const q = (m(0, 0) + m(1, 1) + m(2, 2)) / 3;
  const p1 = m(0, 1) ** 2 + m(0, 2) ** 2 + m(1, 2) ** 2;
  const p2 = (m(0, 0) - q) ** 2 + (m(1, 1) - q) ** 2 + (m(2, 2) - q) ** 2 + 2 * p1;
  const p = Math.sqrt(p2 / 6);
  const B = (i: number, j: number) => (m(i, j) - (i === j ? q : 0)) / p;
  const detB =
    B(0, 0) * (B(1, 1) * B(2, 2) - B(1, 2) * B(2, 1)) - B(0, 1) * (B(1, 0) * B(2, 2) - B(1, 2) * B(2, 0)) + B(0, 2) * (B(1, 0) * B(2, 1) - B(1, 1) * B(2, 0));
  const phi = Math.acos(Math.min(1, Math.max(-1, detB / 2))) / 3;
  const value = q + 2 * p * Math.cos(phi);
  // The eigenvector is orthogonal to the rows of M − λI: the cross product of two of them.
  const r0 = [m(0, 0) - value, m(0, 1), m(0, 2)];
  const r1 = [m(1, 0), m(1, 1) - value, m(1, 2)];
  const v = [r0[1]! * r1[2]! - r0[2]! * r1[1]!, r0[2]! * r1[0]! - r0[0]! * r1[2]!, r0[0]! * r1[1]! - r0[1]! * r1[0]!];
  const norm = Math.hypot(...v);
  return { value, vector: v.map((x) => x / norm) };
}

describe('firstPrincipalComponent', () => {
  const X = correlated(2000, 1);
  const covariance = sampleCovariance(X, 3);
  const exact = topEigen3(covariance);

  for (const method of ['lanczos', 'power'] as const) {
    it(`${method}: matches the explicit eigendecomposition of a 3 x 3 covariance`, () => {
      const pc = firstPrincipalComponent(X, 3, { method });
      expect(pc.converged).toBe(true);
      expect(Math.abs(pc.component.reduce((s, c, k) => s + c * exact.vector[k]!, 0))).toBeGreaterThan(1 - 1e-9);
      expect(pc.variance).toBeCloseTo(exact.value, 6);
      expect(Math.hypot(...pc.component)).toBeCloseTo(1, 12);
      pc.mean.forEach((m) => expect(m).toBeGreaterThan(4));
    });
  }

  it('gives the same component and variance with the WebAssembly kernels', () => {
    const kernels = RowKernels.for(X, 3)!;
    for (const orthogonalTo of [undefined, [0, 0.6, 0.8]]) {
      const plain = firstPrincipalComponent(X, 3, { seed: 2, orthogonalTo });
      const ours = firstPrincipalComponent(X, 3, { seed: 2, orthogonalTo, kernels });
      ours.component.forEach((v, k) => expect(v).toBeCloseTo(plain.component[k]!, 8));
      expect(ours.variance).toBeCloseTo(plain.variance, 8);
    }
  });

  it('is deterministic and fixes the sign by the largest entry', () => {
    const a = firstPrincipalComponent(X, 3, { seed: 1 });
    const b = firstPrincipalComponent(X, 3, { seed: 1 });
    const c = firstPrincipalComponent(X, 3, { seed: 99 });
    expect(Array.from(a.component)).toEqual(Array.from(b.component));
    const largest = a.component.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
    expect(largest).toBeGreaterThan(0);
    c.component.forEach((v, k) => expect(v).toBeCloseTo(a.component[k]!, 8));
  });

  it('with orthogonalTo, finds the top direction of the covariance restricted to the complement', () => {
    const u = exact.vector;
    const pc = firstPrincipalComponent(X, 3, { orthogonalTo: u });
    expect(Math.abs(pc.component.reduce((s, c, k) => s + c * u[k]!, 0))).toBeLessThan(1e-10);
    // Brute force over unit vectors of the complement: v(θ) = cos θ·e1 + sin θ·e2.
    const axis = [0, 1, 2].reduce((a, k) => (Math.abs(u[k]!) < Math.abs(u[a]!) ? k : a), 0);
    const e1 = u.map((x, k) => (k === axis ? 1 : 0) - u[axis]! * x);
    const n1 = Math.hypot(...e1);
    const f1 = e1.map((x) => x / n1);
    const f2 = [u[1]! * f1[2]! - u[2]! * f1[1]!, u[2]! * f1[0]! - u[0]! * f1[2]!, u[0]! * f1[1]! - u[1]! * f1[0]!];
    let best = 0;
    for (let i = 0; i < 20_000; i++) {
      const theta = (Math.PI * i) / 20_000;
      const v = f1.map((x, k) => Math.cos(theta) * x + Math.sin(theta) * f2[k]!);
      const variance = covariance.reduce((s, row, a) => s + row.reduce((t, m, b) => t + v[a]! * m * v[b]!, 0), 0);
      best = Math.max(best, variance);
    }
    expect(pc.variance).toBeCloseTo(best, 6);
    expect(pc.variance).toBeLessThan(exact.value);
  });

  it('gives variance 0 for constant data and rejects a bad shape', () => {
    const constant = new Float32Array(30).fill(2);
    const pc = firstPrincipalComponent(constant, 3);
    expect(pc.variance).toBe(0);
    expect(Math.hypot(...pc.component)).toBeCloseTo(1, 12);
    expect(() => firstPrincipalComponent(new Float32Array(7), 3)).toThrow(/multiple of d/);
  });
});
