import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/random/index.ts';
import { dualCoordinateDescent } from '../../../lib/linear-svm/linear-svm-dual-cd.ts';
import { choleskyInPlace } from '../../../lib/linear-svm/linear-svm-linalg.ts';
import { factorSolveInPlace } from '../../../lib/linear-svm/linear-svm-newton-factor.ts';
import { makeProblem } from '../../../lib/linear-svm/linear-svm-problem.ts';
import { RowKernels, rowKernelsAvailable } from '../../../lib/wasm/svm-kernels.ts';
import { shiftedGaussians } from '../linear-svm/linear-svm-fixtures.ts';

function randomMatrix(seed: number, n: number, d: number): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: n * d }, () => random.normal());
}

function randomVector(seed: number, length: number): Float64Array {
  const random = new SeededRandom(seed);
  return Float64Array.from({ length }, () => random.normal());
}

/** Σ_k X[off + k]·v[k], the plain loop. */
function plainDot(X: Float32Array, off: number, v: Float64Array, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    s += X[off + k]! * v[k]!;
  }
  return s;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  return worst;
}

describe('svm-kernels module', () => {
  it('runs in this Node (WebAssembly SIMD)', () => {
    expect(rowKernelsAvailable()).toBe(true);
  });
});

// d = 13 and 21 leave remainders after the 8-wide product and 4-wide update loops; rows are a scattered subset.
describe.each([13, 21, 64])('RowKernels, d = %i', (d) => {
  const n = 57;
  const X = randomMatrix(d, n, d);
  const kernels = RowKernels.for(X, d)!;
  const rows = Array.from({ length: n }, (_, r) => r).filter((r) => r % 3 !== 1);
  const offsets = Uint32Array.from(rows, (r) => r * d);
  const v = randomVector(100 + d, d + 1);
  const v2 = randomVector(200 + d, d);

  it('dots and dots2 match the plain row products', () => {
    const out = new Float64Array(rows.length);
    kernels.dots(offsets, rows.length, v, out);
    const expected = Array.from(offsets, (off) => plainDot(X, off, v, d));
    expect(maxDifference(out, expected)).toBeLessThan(1e-12);
    const a = new Float64Array(rows.length);
    const b = new Float64Array(rows.length);
    kernels.dots2(offsets, rows.length, v, v2, a, b);
    expect(maxDifference(a, expected)).toBeLessThan(1e-12);
    expect(
      maxDifference(
        b,
        Array.from(offsets, (off) => plainDot(X, off, v2, d)),
      ),
    ).toBeLessThan(1e-12);
  });

  it('combine adds Σ cᵢxᵢ, skipping zero coefficients, and leaves entries past d alone', () => {
    const coefs = randomVector(300 + d, rows.length).map((c, i) => (i % 4 === 0 ? 0 : c));
    const start = randomVector(400 + d, d + 1);
    const out = Float64Array.from(start);
    kernels.combine(offsets, rows.length, coefs, out);
    const expected = Float64Array.from(start);
    offsets.forEach((off, i) => {
      for (let k = 0; k < d; k++) {
        expected[k]! += coefs[i]! * X[off + k]!;
      }
    });
    expect(maxDifference(out, expected)).toBeLessThan(1e-12);
    expect(out[d]).toBe(start[d]);
  });

  it('gramProduct adds Σ sᵢxᵢ with sᵢ = scale·(xᵢ·v − shift) and returns Σ sᵢ', () => {
    const out = new Float64Array(d);
    const total = kernels.gramProduct(offsets, rows.length, v, 0.7, 3, out);
    const expected = new Float64Array(d);
    let expectedTotal = 0;
    for (const off of offsets) {
      const s = 3 * (plainDot(X, off, v, d) - 0.7);
      expectedTotal += s;
      for (let k = 0; k < d; k++) {
        expected[k]! += s * X[off + k]!;
      }
    }
    expect(maxDifference(out, expected)).toBeLessThan(1e-10);
    expect(total).toBeCloseTo(expectedTotal, 10);
  });

  it('gram adds the lower triangle of Σ xᵢxᵢᵀ into a larger p x p matrix, for odd and even row counts', () => {
    const p = d + 1;
    for (const count of [rows.length, rows.length - 1]) {
      const S = new Float64Array(p * p).fill(0.5);
      kernels.gram(offsets, count, S, p);
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          let expected = 0.5;
          for (let i = 0; i < count; i++) {
            expected += X[offsets[i]! + a]! * X[offsets[i]! + b]!;
          }
          expect(Math.abs(S[a * p + b]! - expected)).toBeLessThan(1e-10);
        }
      }
      // The bias row and column (index d) belong to the caller.
      expect(S[d * p + 3]).toBe(0.5);
    }
  });

  it('cholesky and factorSolve match the plain loops, and a changed version reloads the factor', () => {
    const p = d + 1;
    const A = new Float64Array(p * p);
    kernels.gram(offsets, rows.length, A, p);
    for (let a = 0; a < p; a++) {
      A[a * p + a]! += 1;
    }
    const plain = Float64Array.from(A);
    const ours = Float64Array.from(A);
    expect(choleskyInPlace(plain, p)).toBe(true);
    expect(kernels.cholesky(ours, p)).toBe(true);
    for (let a = 0; a < p; a++) {
      for (let b = 0; b <= a; b++) {
        expect(Math.abs(ours[a * p + b]! - plain[a * p + b]!)).toBeLessThan(1e-10);
      }
    }
    const R = new Float64Array(p * p);
    for (let a = 0; a < p; a++) {
      for (let b = 0; b <= a; b++) {
        R[b * p + a] = plain[a * p + b]!;
      }
    }
    const factor = { R, p, version: 0 };
    const rhs = randomVector(500 + d, p);
    const expected = Float64Array.from(rhs);
    factorSolveInPlace(R, p, expected);
    const z = Float64Array.from(rhs);
    kernels.factorSolve(factor, z);
    expect(maxDifference(z, expected)).toBeLessThan(1e-12);
    // Scaling R by 2 scales the solution by 1/4, once the version says R changed.
    R.forEach((r, i) => (R[i] = 2 * r));
    factor.version++;
    const again = Float64Array.from(rhs);
    kernels.factorSolve(factor, again);
    expect(
      maxDifference(
        again,
        expected.map((x) => x / 4),
      ),
    ).toBeLessThan(1e-12);
  });

  it('reports a matrix that is not positive definite', () => {
    const p = d + 1;
    const A = new Float64Array(p * p);
    A[0] = -1;
    expect(kernels.cholesky(A, p)).toBe(false);
  });
});

describe('dual coordinate descent passes', () => {
  it("the kernels' pass gives the plain pass's iterates (same permutation, shrinking and stopping)", () => {
    const data = shiftedGaussians(21, 400, 11, 1.2, 3);
    const kernels = RowKernels.for(data.X, 11)!;
    for (const maxIterations of [1, 7, 1000]) {
      const plain = dualCoordinateDescent(makeProblem(data.X, data.labels, 11, undefined, 1, 10), { eps: 0.01, maxIterations, seed: 4, shrinking: true });
      const ours = dualCoordinateDescent(makeProblem(data.X, data.labels, 11, undefined, 1, 10, kernels), {
        eps: 0.01,
        maxIterations,
        seed: 4,
        shrinking: true,
      });
      expect(ours.iterations).toBe(plain.iterations);
      expect(ours.converged).toBe(plain.converged);
      expect(ours.activeSize).toBe(plain.activeSize);
      expect(maxDifference(ours.alpha, plain.alpha)).toBeLessThan(1e-9);
      expect(maxDifference(ours.w, plain.w)).toBeLessThan(1e-9);
    }
  });
});
