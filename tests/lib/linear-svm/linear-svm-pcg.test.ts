import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/random/index.ts';
import { choleskyInPlace } from '../../../lib/linear-svm/linear-svm-linalg.ts';
import { choleskySolveInPlace } from './smoothed-hinge-newton-reference.ts';
import { preconditionedConjugateGradient } from '../../../lib/linear-svm/linear-svm-pcg.ts';

const p = 30;

const rows = 40;

/** I + s·MᵀM over 40 random rows, the shape of the smoothed hinge's Hessian; `replaced` rows come from another seed. */
function hessian(seed: number, s: number, replaced = 0): Float64Array {
  const random = new SeededRandom(seed);
  const other = new SeededRandom(seed + 1000);
  const M = Float64Array.from({ length: rows * p }, (_, i) => (i < replaced * p ? other.normal() : random.normal()));
  const H = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) {
        sum += M[r * p + a]! * M[r * p + b]!;
      }
      H[a * p + b] = s * sum + (a === b ? 1 : 0);
    }
  }
  return H;
}

const multiplyBy = (H: Float64Array) => (v: Float64Array, out: Float64Array) => {
  for (let a = 0; a < p; a++) {
    let sum = 0;
    for (let b = 0; b < p; b++) {
      sum += H[a * p + b]! * v[b]!;
    }
    out[a] = sum;
  }
};

function factorOf(H: Float64Array): (r: Float64Array, z: Float64Array) => void {
  const L = Float64Array.from(H);
  choleskyInPlace(L, p);
  return (r, z) => {
    z.set(r);
    choleskySolveInPlace(L, p, z);
  };
}

const identity = (r: Float64Array, z: Float64Array) => z.set(r);
const random = new SeededRandom(9);
const b = Float64Array.from({ length: p }, () => random.normal());

describe('preconditionedConjugateGradient', () => {
  const H = hessian(1, 50);
  const direct = Float64Array.from(b);
  choleskySolveInPlace(
    (() => {
      const L = Float64Array.from(H);
      choleskyInPlace(L, p);
      return L;
    })(),
    p,
    direct,
  );

  it('matches a direct Cholesky solve, with or without a preconditioner', () => {
    for (const precondition of [identity, factorOf(hessian(2, 50))]) {
      const x = new Float64Array(p);
      const result = preconditionedConjugateGradient(multiplyBy(H), precondition, b, x, { tolerance: 1e-12, maxIterations: 200 });
      expect(result.converged).toBe(true);
      expect(result.relativeResidual).toBeLessThanOrEqual(1e-12);
      x.forEach((v, k) => expect(v).toBeCloseTo(direct[k]!, 8));
    }
  });

  it('takes one iteration when the preconditioner is the matrix itself, a few with a stale one', () => {
    const exact = preconditionedConjugateGradient(multiplyBy(H), factorOf(H), b, new Float64Array(p), { tolerance: 1e-10, maxIterations: 50 });
    expect(exact.iterations).toBe(1);
    // Three of 40 rows differ: H − M is rank 6, so CG needs at most 7 iterations in exact arithmetic.
    const stale = preconditionedConjugateGradient(multiplyBy(H), factorOf(hessian(1, 50, 3)), b, new Float64Array(p), { tolerance: 1e-10, maxIterations: 50 });
    expect(stale.iterations).toBeLessThanOrEqual(8);
    const none = preconditionedConjugateGradient(multiplyBy(H), identity, b, new Float64Array(p), { tolerance: 1e-10, maxIterations: 50 });
    expect(stale.iterations).toBeGreaterThan(1);
    expect(none.iterations).toBeGreaterThan(stale.iterations);
  });

  it('truncated early, still lowers ½xᵀHx − bᵀx at every iteration: a descent direction for Newton', () => {
    const quadratic = (x: Float64Array) => {
      const Hx = new Float64Array(p);
      multiplyBy(H)(x, Hx);
      return x.reduce((s, v, k) => s + 0.5 * v * Hx[k]! - b[k]! * v, 0);
    };
    let previous = 0;
    for (let iterations = 1; iterations <= 6; iterations++) {
      const x = new Float64Array(p);
      const result = preconditionedConjugateGradient(multiplyBy(H), identity, b, x, { tolerance: 1e-14, maxIterations: iterations });
      expect(result.converged).toBe(false);
      const value = quadratic(x);
      expect(value).toBeLessThan(previous);
      previous = value;
    }
  });

  it('returns x = 0 for b = 0', () => {
    const x = new Float64Array(p).fill(3);
    const result = preconditionedConjugateGradient(multiplyBy(H), identity, new Float64Array(p), x, { tolerance: 0.1, maxIterations: 10 });
    expect(result).toEqual({ iterations: 0, relativeResidual: 0, converged: true });
    expect(x.every((v) => v === 0)).toBe(true);
  });
});
