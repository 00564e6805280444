import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/random/index.ts';
import { addOuterProducts, choleskyInPlace } from '../../../lib/linear-svm/linear-svm-linalg.ts';
import { choleskySolveInPlace } from './smoothed-hinge-newton-reference.ts';

function randomSpd(random: SeededRandom, p: number): Float64Array {
  // MᵀM + I over 2p random rows: well conditioned and dense.
  const rows = 2 * p;
  const M = Float64Array.from({ length: rows * p }, () => random.normal());
  const A = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      let s = a === b ? 1 : 0;
      for (let r = 0; r < rows; r++) {
        s += M[r * p + a]! * M[r * p + b]!;
      }
      A[a * p + b] = s;
    }
  }
  return A;
}

describe('choleskyInPlace', () => {
  // Sizes around the 2 x 2 blocking: odd, even, and the single leftover row.
  for (const p of [1, 2, 3, 4, 5, 8, 9, 17]) {
    it(`factors a ${p} x ${p} SPD matrix so that LLᵀ = A and solves with it`, () => {
      const random = new SeededRandom(p);
      const A = randomSpd(random, p);
      const L = Float64Array.from(A);
      expect(choleskyInPlace(L, p)).toBe(true);
      let worst = 0;
      for (let i = 0; i < p; i++) {
        expect(L[i * p + i]!).toBeGreaterThan(0);
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k <= j; k++) {
            s += L[i * p + k]! * L[j * p + k]!;
          }
          worst = Math.max(worst, Math.abs(s - A[i * p + j]!) / Math.abs(A[i * p + i]!));
        }
      }
      expect(worst).toBeLessThan(1e-12);
      const x = Float64Array.from({ length: p }, () => random.normal());
      const b = Float64Array.from({ length: p }, (_, i) => x.reduce((s, v, k) => s + A[i * p + k]! * v, 0));
      choleskySolveInPlace(L, p, b);
      b.forEach((v, i) => expect(v).toBeCloseTo(x[i]!, 9));
    });
  }

  it('reports a matrix that is not positive definite', () => {
    expect(choleskyInPlace(new Float64Array([1, 2, 2, 1]), 2)).toBe(false);
    expect(choleskyInPlace(new Float64Array([1, 0, 0, 0, -1, 0, 0, 0, 1]), 3)).toBe(false);
  });
});

describe('addOuterProducts', () => {
  for (const d of [1, 4, 6, 11]) {
    it(`adds Σ signᵣ x̂ᵣx̂ᵣᵀ to the lower triangle for d = ${d} (x̂ = [x, B])`, () => {
      const random = new SeededRandom(40 + d);
      const rows = 23;
      const X = Float32Array.from({ length: rows * d }, () => random.normal());
      const offsets = [0, 5, 7, 22].map((r) => r * d);
      const signs = [1, -1, 2.5, 1];
      const p = d + 1;
      const S = Float64Array.from({ length: p * p }, () => random.normal());
      const expected = Float64Array.from(S);
      offsets.forEach((off, r) => {
        const xh = [...X.subarray(off, off + d), 0.5];
        for (let a = 0; a < p; a++) {
          for (let b = 0; b <= a; b++) {
            expected[a * p + b]! += signs[r]! * xh[a]! * xh[b]!;
          }
        }
      });
      addOuterProducts(S, X, d, 0.5, offsets, signs, offsets.length);
      for (let a = 0; a < p; a++) {
        for (let b = 0; b <= a; b++) {
          expect(S[a * p + b]).toBeCloseTo(expected[a * p + b]!, 10);
        }
      }
    });
  }
});
