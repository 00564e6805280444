// Which band rows the truncated Newton solver's Cholesky factor includes, and bringing it up to date:
// row by row (rank-one updates, O(p²) each) when few differ, by refactoring when that is cheaper.
import { type NewtonFactor, copyFactor, factorBandHessian, rankOneUpdate } from './linear-svm-newton-factor.ts';
import type { SvmProblem } from './linear-svm-problem.ts';
import { BAND } from './linear-svm-smoothed-hinge.ts';

export class FactorTracker {
  factor: NewtonFactor;
  factorizations = 0;
  updates = 0;
  /** Rows whose band membership differs from the factor's, plus factor rows that are not training rows. */
  mismatch = 0;
  readonly #problem: SvmProblem;
  readonly #piece: Uint8Array;
  readonly #stiffness: number;
  readonly #inFactor: Uint8Array;
  /** Offsets of factor rows outside this problem (a fold's held-out rows, in the all-data fit's factor). */
  #outsiders: number[] = [];
  /** False while the factor is the caller's, which must not change. */
  #owned = false;
  readonly #v: Float64Array;

  /** Starts from `start` when it factors the same kind of Hessian, else factors the band of `piece`. */
  constructor(problem: SvmProblem, stiffness: number, start: NewtonFactor | undefined, piece: Uint8Array) {
    this.#problem = problem;
    this.#piece = piece;
    this.#stiffness = stiffness;
    const { offsets, d } = problem;
    this.#inFactor = new Uint8Array(offsets.length);
    this.#v = new Float64Array(d + 1);
    if (start !== undefined && start.p === d + 1 && start.stiffness === stiffness) {
      this.factor = start;
      const own = new Set<number>();
      for (let i = 0; i < offsets.length; i++) {
        own.add(offsets[i]!);
        const inFactor = start.rows.has(offsets[i]!);
        this.#inFactor[i] = inFactor ? 1 : 0;
        if (inFactor !== (piece[i] === BAND)) {
          this.mismatch++;
        }
      }
      this.#outsiders = Array.from(start.rows).filter((off) => !own.has(off));
      this.mismatch += this.#outsiders.length;
    } else {
      this.factor = this.#factor();
    }
  }

  /** Row i just entered (true) or left (false) the band. */
  bandChanged(i: number, inBand: boolean): void {
    this.mismatch += this.#inFactor[i] === (inBand ? 1 : 0) ? -1 : 1;
  }

  /** Makes the factor that of the current band's Hessian, by rank-one updates or, if cheaper, a refactor. */
  makeExact(bandSize: number): void {
    const p = this.factor.p;
    // Measured at p = 501: an update 0.38 ms; a refactor 0.13 ms per band row (half the Gram matrix) plus
    // 21 ms (the factorisation), i.e. bandSize/3 + p/9 updates.
    if (this.mismatch > bandSize / 3 + p / 9) {
      this.refactor();
      return;
    }
    if (!this.#owned) {
      this.factor = copyFactor(this.factor);
      this.#owned = true;
    }
    const { offsets } = this.#problem;
    for (const off of this.#outsiders) {
      if (!this.#apply(off, -1)) {
        this.refactor();
        return;
      }
    }
    this.#outsiders = [];
    for (let i = 0; i < offsets.length; i++) {
      const inBand = this.#piece[i] === BAND ? 1 : 0;
      if (this.#inFactor[i] !== inBand) {
        this.#inFactor[i] = inBand;
        if (!this.#apply(offsets[i]!, inBand ? 1 : -1)) {
          this.refactor();
          return;
        }
      }
    }
    this.mismatch = 0;
  }

  refactor(): void {
    this.factor = this.#factor();
  }

  #apply(off: number, sign: 1 | -1): boolean {
    const { X, d, B } = this.#problem;
    const v = this.#v;
    const scale = Math.sqrt(this.#stiffness);
    for (let k = 0; k < d; k++) {
      v[k] = scale * X[off + k]!;
    }
    v[d] = scale * B;
    this.updates++;
    this.factor.version++;
    if (sign > 0) {
      this.factor.rows.add(off);
    } else {
      this.factor.rows.delete(off);
    }
    return rankOneUpdate(this.factor.R, this.factor.p, v, sign);
  }

  #factor(): NewtonFactor {
    const { offsets } = this.#problem;
    const bandOffsets: number[] = [];
    for (let i = 0; i < offsets.length; i++) {
      const inBand = this.#piece[i] === BAND;
      this.#inFactor[i] = inBand ? 1 : 0;
      if (inBand) {
        bandOffsets.push(offsets[i]!);
      }
    }
    this.factorizations++;
    this.mismatch = 0;
    this.#outsiders = [];
    this.#owned = true;
    return factorBandHessian(this.#problem, bandOffsets, this.#stiffness);
  }
}
