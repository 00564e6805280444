import { describe, expect, it } from 'vitest';
import { FactorTracker } from '../../../lib/linear-svm/linear-svm-factor-tracker.ts';
import { factorBandHessian } from '../../../lib/linear-svm/linear-svm-newton-factor.ts';
import { makeProblem } from '../../../lib/linear-svm/linear-svm-problem.ts';
import { BAND, LOSS, ZERO } from '../../../lib/linear-svm/linear-svm-smoothed-hinge.ts';
import { shiftedGaussians } from './linear-svm-fixtures.ts';

const d = 6;
const p = d + 1;
const n = 60;
const data = shiftedGaussians(14, n, d, 1);
const stiffness = 20;

function maxDifference(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      worst = Math.max(worst, Math.abs(a[i * p + j]! - b[i * p + j]!));
    }
  }
  return worst;
}

const bandOf = (piece: Uint8Array, offsets: Uint32Array) => Array.from(offsets).filter((_, i) => piece[i] === BAND);

describe('FactorTracker', () => {
  const problem = makeProblem(data.X, data.labels, d, undefined, 1, 100);
  const piece = Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? BAND : i % 2 ? LOSS : ZERO));

  it('factors the band when given no start, and follows rows in and out of the band exactly', () => {
    const tracker = new FactorTracker(problem, stiffness, undefined, piece);
    expect(tracker.factorizations).toBe(1);
    expect(tracker.mismatch).toBe(0);
    for (const [i, to] of [
      [3, BAND],
      [0, LOSS],
      [7, BAND],
      [10, ZERO],
    ] as const) {
      const wasBand = piece[i] === BAND;
      piece[i] = to;
      if (wasBand !== (to === BAND)) {
        tracker.bandChanged(i, to === BAND);
      }
    }
    expect(tracker.mismatch).toBe(4);
    tracker.makeExact(bandOf(piece, problem.offsets).length);
    expect(tracker.mismatch).toBe(0);
    expect(tracker.updates).toBe(4);
    expect(tracker.factorizations).toBe(1);
    const fresh = factorBandHessian(problem, bandOf(piece, problem.offsets), stiffness);
    expect(maxDifference(tracker.factor.R, fresh.R) / fresh.R[0]!).toBeLessThan(1e-10);
    expect([...tracker.factor.rows].sort((a, b) => a - b)).toEqual(bandOf(piece, problem.offsets));
  });

  it("starts a fold from another fit's factor: downdates its rows outside the fold, and leaves the original alone", () => {
    const allPiece = Uint8Array.from({ length: n }, (_, i) => (i % 4 === 0 ? BAND : LOSS));
    const all = factorBandHessian(problem, bandOf(allPiece, problem.offsets), stiffness);
    const original = Float64Array.from(all.R);
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0);
    const fold = makeProblem(data.X, data.labels, d, rows, 1, 100);
    const foldPiece = Uint8Array.from(rows, (r) => allPiece[r]!);
    const tracker = new FactorTracker(fold, stiffness, all, foldPiece);
    expect(tracker.factorizations).toBe(0);
    // Rows 0, 12, 24, 36, 48 are band rows of the all-data factor held out of this fold.
    expect(tracker.mismatch).toBe(5);
    tracker.makeExact(bandOf(foldPiece, fold.offsets).length);
    const fresh = factorBandHessian(fold, bandOf(foldPiece, fold.offsets), stiffness);
    expect(maxDifference(tracker.factor.R, fresh.R) / fresh.R[0]!).toBeLessThan(1e-10);
    expect(Array.from(all.R)).toEqual(Array.from(original));
  });

  it('refactors instead when more rows differ than updates would pay for', () => {
    const tracker = new FactorTracker(problem, stiffness, undefined, new Uint8Array(n).fill(LOSS));
    const everyRowInBand = new Uint8Array(n).fill(BAND);
    const wide = new FactorTracker(problem, stiffness, tracker.factor, everyRowInBand);
    expect(wide.mismatch).toBe(n);
    wide.makeExact(n);
    expect(wide.updates).toBe(0);
    expect(wide.factorizations).toBe(1);
    expect(wide.mismatch).toBe(0);
  });

  it('ignores a start factor of another stiffness', () => {
    const other = factorBandHessian(problem, [], 2 * stiffness);
    const tracker = new FactorTracker(problem, stiffness, other, piece);
    expect(tracker.factorizations).toBe(1);
    expect(tracker.factor.stiffness).toBe(stiffness);
  });
});
