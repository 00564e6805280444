// The smoothed hinge both Newton solvers minimise: ½‖ŵ‖² + C Σ L_h(yᵢŵ·x̂ᵢ), L_h the hinge with its kink
// rounded by a parabola over margins (1 − h, 1). Its pieces, an iterate, the exact line search and the band
// continuation; the solvers differ only in how they find a step's direction.
import { rowAxpy } from './linear-svm-linalg.ts';
import { type SvmProblem, margins } from './linear-svm-problem.ts';

/** Margin below 1 − h: the loss is linear, αᵢ = C. */
export const LOSS = 0;
/** Margin in (1 − h, 1): the loss is quadratic, 0 < αᵢ < C, and the row adds C/h·x̂ᵢx̂ᵢᵀ to the Hessian. */
export const BAND = 1;
/** Margin >= 1: no loss, αᵢ = 0. */
export const ZERO = 2;

export function pieceOf(m: number, h: number): number {
  return m <= 1 - h ? LOSS : m < 1 ? BAND : ZERO;
}

/** ŵ, its margins, each row's piece and Σ_{loss piece} yᵢx̂ᵢ, kept consistent as ŵ moves. */
export class SmoothedHingeIterate {
  readonly w: Float64Array;
  /** yᵢŵ·x̂ᵢ per training row. */
  readonly m: Float64Array;
  readonly piece: Uint8Array;
  /** Updated row by row as rows enter or leave the loss piece, so a gradient costs O(band · d). */
  readonly sumLoss: Float64Array;
  readonly #problem: SvmProblem;
  readonly #h: number;

  /** Starts at w0 (length d + 1, copied) or at 0. */
  constructor(problem: SvmProblem, h: number, w0?: Float64Array) {
    const { d, offsets } = problem;
    this.#problem = problem;
    this.#h = h;
    this.w = w0 ? Float64Array.from(w0) : new Float64Array(d + 1);
    this.m = w0 ? margins(problem, this.w) : new Float64Array(offsets.length);
    this.piece = new Uint8Array(offsets.length);
    this.sumLoss = new Float64Array(d + 1);
    for (let i = 0; i < offsets.length; i++) {
      this.piece[i] = pieceOf(this.m[i]!, h);
      if (this.piece[i] === LOSS) {
        this.#addLoss(i, 1);
      }
    }
  }

  /** g = ∇F(ŵ) = ŵ − C·Σ_loss yᵢx̂ᵢ − (C/h)·Σ_band (1 − mᵢ)yᵢx̂ᵢ. */
  gradient(g: Float64Array): void {
    const { X, d, offsets, y, B, C, kernels } = this.#problem;
    const stiffness = C / this.#h;
    for (let k = 0; k <= d; k++) {
      g[k] = this.w[k]! - C * this.sumLoss[k]!;
    }
    if (kernels) {
      const rows: number[] = [];
      const coefs: number[] = [];
      for (let i = 0; i < offsets.length; i++) {
        if (this.piece[i] === BAND) {
          const c = -stiffness * (1 - this.m[i]!) * y[i]!;
          rows.push(offsets[i]!);
          coefs.push(c);
          g[d]! += c * B;
        }
      }
      kernels.combine(rows, rows.length, coefs, g);
      return;
    }
    for (let i = 0; i < offsets.length; i++) {
      if (this.piece[i] === BAND) {
        const c = -stiffness * (1 - this.m[i]!) * y[i]!;
        rowAxpy(c, X, offsets[i]!, g, d);
        g[d]! += c * B;
      }
    }
  }

  /**
   * Moves ŵ by the exact line-search step t along dir, given delta (yᵢdir·x̂ᵢ per row), and updates the
   * margins and pieces; `changed(i, before, after)` hears of every row that changed piece.
   */
  step(dir: Float64Array, delta: Float64Array, changed: (i: number, before: number, after: number) => void): { t: number; dd: number; flips: number } {
    const { w, m, piece } = this;
    const h = this.#h;
    let wd = 0;
    let dd = 0;
    for (let k = 0; k < w.length; k++) {
      wd += w[k]! * dir[k]!;
      dd += dir[k]! * dir[k]!;
    }
    const t = exactLineSearch(m, delta, wd, dd, this.#problem.C, h);
    for (let k = 0; k < w.length; k++) {
      w[k]! += t * dir[k]!;
    }
    let flips = 0;
    for (let i = 0; i < m.length; i++) {
      const mi = m[i]! + t * delta[i]!;
      m[i] = mi;
      const before = piece[i]!;
      const after = pieceOf(mi, h);
      if (after !== before) {
        piece[i] = after;
        flips++;
        if (before === LOSS || after === LOSS) {
          this.#addLoss(i, before === LOSS ? -1 : 1);
        }
        changed(i, before, after);
      }
    }
    return { t, dd, flips };
  }

  /** Whether a step changing no row's piece moved ŵ by a negligible amount (rounding stalls the solver). */
  stalled(t: number, dd: number): boolean {
    return t * t * dd <= 1e-26 * (1 + this.w.reduce((sum, v) => sum + v * v, 0));
  }

  #addLoss(i: number, sign: 1 | -1): void {
    const { X, d, offsets, y, B } = this.#problem;
    const c = sign * y[i]!;
    rowAxpy(c, X, offsets[i]!, this.sumLoss, d);
    this.sumLoss[d]! += c * B;
  }
}

/** What a continuation stage must report: its end point, its steps, and whether it reached its goal. */
export interface StageResult {
  w: Float64Array;
  steps: number;
  /** Converged to the stage's optimum, or passed the caller's stopping test. */
  done: boolean;
}

/**
 * Runs `stage` at width h, widening the band when that stalls. With nearly separable classes the
 * support vectors have αᵢ ≪ C and so sit within αᵢh/C of the band's upper edge; every step then crosses
 * kinks and the line search cuts it short (measured: 18,000 x 500, no convergence in 200 steps). A 64x
 * wider band spreads them out, and narrowing it 4x per stage keeps each stage's start close to its optimum.
 * `widen`: true starts wide, false never widens, undefined widens after 40 steps at h without success.
 * `final` is true only for stages at the caller's h: only their points may stop on the caller's test.
 */
export function withBandContinuation<R extends StageResult>(
  h: number,
  w: Float64Array | undefined,
  widen: boolean | undefined,
  stage: (h: number, w: Float64Array | undefined, maxSteps: number, final: boolean) => R,
): R & { widened: boolean } {
  let result: R | undefined;
  let steps = 0;
  if (widen !== true) {
    result = stage(h, w, widen === false ? 200 : 40, true);
    if (result.done || widen === false) {
      return { ...result, widened: false };
    }
    steps = result.steps;
  }
  for (let level = 3; level >= 0; level--) {
    result = stage(h * 4 ** level, result?.w ?? w, 200, level === 0);
    steps += result.steps;
  }
  return { ...result!, steps, widened: true };
}

/**
 * The step t > 0 minimising φ(t) = F(ŵ + t·dir). φ' is piecewise linear and increasing, so Newton's method
 * on φ' (bracketed, bisecting when a step leaves the bracket) lands on the exact root once it reaches
 * the root's piece. m are the margins at t = 0 and delta their change per unit t.
 */
export function exactLineSearch(m: Float64Array, delta: Float64Array, wd: number, dd: number, C: number, h: number): number {
  const stiffness = C / h;
  const slopeAt = (t: number): [number, number] => {
    let s1 = wd + t * dd;
    let s2 = dd;
    for (let i = 0; i < m.length; i++) {
      const di = delta[i]!;
      const mi = m[i]! + t * di;
      if (mi <= 1 - h) {
        s1 -= C * di;
      } else if (mi < 1) {
        s1 -= stiffness * (1 - mi) * di;
        s2 += stiffness * di * di;
      }
    }
    return [s1, s2];
  };
  const tolerance = 1e-10 * Math.abs(slopeAt(0)[0]);
  let lo = 0;
  let hi = Infinity;
  let t = 1;
  for (let evaluation = 0; evaluation < 100; evaluation++) {
    const [s1, s2] = slopeAt(t);
    if (Math.abs(s1) <= tolerance) {
      return t;
    }
    if (s1 < 0) {
      lo = t;
    } else {
      hi = t;
    }
    let next = t - s1 / s2;
    if (!(next > lo && next < hi)) {
      next = hi === Infinity ? 2 * t : 0.5 * (lo + hi);
    }
    if (hi - lo <= 1e-15 * hi) {
      return lo;
    }
    t = next;
  }
  return lo > 0 ? lo : t;
}
