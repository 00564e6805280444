import { describe, expect, it } from 'vitest';
import { copyFactor, factorBandHessian, factorSolveInPlace, rankOneUpdate } from '../../../lib/linear-svm/linear-svm-newton-factor.ts';
import { makeProblem } from '../../../lib/linear-svm/linear-svm-problem.ts';
import { shiftedGaussians } from './linear-svm-fixtures.ts';

const d = 7;
const p = d + 1;
const data = shiftedGaussians(4, 40, d, 1);
const problem = makeProblem(data.X, data.labels, d, undefined, 1, 100);
const stiffness = 50;

/** I + stiffness·Σ x̂ᵢx̂ᵢᵀ, brute force. */
function bandHessian(rows: number[]): Float64Array {
  const H = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    H[a * p + a] = 1;
  }
  for (const r of rows) {
    const x = [...data.X.subarray(r * d, r * d + d), 1];
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) {
        H[a * p + b]! += stiffness * x[a]! * x[b]!;
      }
    }
  }
  return H;
}

function maxDifference(a: Float64Array, b: Float64Array, upperOnly = true): number {
  let worst = 0;
  for (let i = 0; i < p; i++) {
    for (let j = upperOnly ? i : 0; j < p; j++) {
      worst = Math.max(worst, Math.abs(a[i * p + j]! - b[i * p + j]!));
    }
  }
  return worst;
}

describe('factorBandHessian', () => {
  it('gives an upper R with RᵀR = I + stiffness·Σ_band x̂x̂ᵀ and remembers its rows', () => {
    const rows = [1, 4, 9, 16, 25];
    const factor = factorBandHessian(
      problem,
      rows.map((r) => r * d),
      stiffness,
    );
    const H = bandHessian(rows);
    const RtR = new Float64Array(p * p);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let k = 0; k <= Math.min(i, j); k++) {
          s += factor.R[k * p + i]! * factor.R[k * p + j]!;
        }
        RtR[i * p + j] = s;
      }
    }
    expect(maxDifference(RtR, H, false) / H[0]!).toBeLessThan(1e-12);
    expect([...factor.rows].sort((a, b) => a - b)).toEqual(rows.map((r) => r * d));
    expect(factor.stiffness).toBe(stiffness);
  });

  it('solves RᵀRz = r', () => {
    const rows = [0, 2, 3, 30];
    const factor = factorBandHessian(
      problem,
      rows.map((r) => r * d),
      stiffness,
    );
    const H = bandHessian(rows);
    const x = Float64Array.from({ length: p }, (_, k) => Math.sin(k + 1));
    const z = Float64Array.from({ length: p }, (_, i) => x.reduce((s, v, k) => s + H[i * p + k]! * v, 0));
    factorSolveInPlace(factor.R, p, z);
    z.forEach((v, k) => expect(v).toBeCloseTo(x[k]!, 9));
  });
});

describe('rankOneUpdate', () => {
  const scaled = (r: number) => Float64Array.from([...data.X.subarray(r * d, r * d + d), 1], (v) => Math.sqrt(stiffness) * v);

  it('adding and removing rows one at a time gives the factor of the new row set', () => {
    const start = factorBandHessian(
      problem,
      [1, 2, 3, 4].map((r) => r * d),
      stiffness,
    );
    const updated = copyFactor(start);
    expect(rankOneUpdate(updated.R, p, scaled(10), 1)).toBe(true);
    expect(rankOneUpdate(updated.R, p, scaled(11), 1)).toBe(true);
    expect(rankOneUpdate(updated.R, p, scaled(2), -1)).toBe(true);
    const fresh = factorBandHessian(
      problem,
      [1, 3, 4, 10, 11].map((r) => r * d),
      stiffness,
    );
    // The Cholesky factor with a positive diagonal is unique, so the entries themselves must agree.
    expect(maxDifference(updated.R, fresh.R) / fresh.R[0]!).toBeLessThan(1e-10);
    // copyFactor gave the update its own storage.
    expect(
      maxDifference(
        start.R,
        factorBandHessian(
          problem,
          [1, 2, 3, 4].map((r) => r * d),
          stiffness,
        ).R,
      ),
    ).toBe(0);
  });

  it('refuses a downdate that would leave a matrix that is not positive definite', () => {
    const factor = factorBandHessian(problem, [], stiffness);
    expect(rankOneUpdate(factor.R, p, scaled(5), -1)).toBe(false);
  });
});
