// Preconditioned conjugate gradient for the truncated Newton SVM solver: solves Hx = b for a symmetric
// positive definite H given only products Hv, with M⁻¹ from a Cholesky factor of a nearby Hessian.

export interface ConjugateGradientOptions {
  /** Stop once ‖b − Hx‖ <= tolerance·‖b‖. */
  tolerance: number;
  maxIterations: number;
}

export interface ConjugateGradientResult {
  /** Products with H run (one per iteration). */
  iterations: number;
  /** ‖b − Hx‖ / ‖b‖ at the returned x (0 for b = 0). */
  relativeResidual: number;
  converged: boolean;
}

/** Scratch vectors of one length, kept between solves so a Newton step allocates nothing. */
export interface ConjugateGradientScratch {
  r: Float64Array;
  z: Float64Array;
  p: Float64Array;
  q: Float64Array;
}

export function makeConjugateGradientScratch(n: number): ConjugateGradientScratch {
  return { r: new Float64Array(n), z: new Float64Array(n), p: new Float64Array(n), q: new Float64Array(n) };
}

/**
 * Writes into x an approximate solution of Hx = b, starting from x = 0. `multiply(v, out)` sets out = Hv;
 * `precondition(r, z)` sets z = M⁻¹r for an SPD M (with M = H the first iteration is exact). Every iterate
 * of CG from 0 decreases ½xᵀHx − bᵀx, so even a truncated x is a descent direction for a Newton step.
 */
export function preconditionedConjugateGradient(
  multiply: (v: Float64Array, out: Float64Array) => void,
  precondition: (r: Float64Array, z: Float64Array) => void,
  b: Float64Array,
  x: Float64Array,
  options: ConjugateGradientOptions,
  scratch: ConjugateGradientScratch = makeConjugateGradientScratch(b.length),
): ConjugateGradientResult {
  const n = b.length;
  const { r, z, p, q } = scratch;
  x.fill(0);
  r.set(b);
  const bNorm = Math.sqrt(dot(b, b, n));
  if (bNorm === 0) {
    return { iterations: 0, relativeResidual: 0, converged: true };
  }
  precondition(r, z);
  p.set(z);
  let rz = dot(r, z, n);
  let residual = bNorm;
  let iterations = 0;
  while (iterations < options.maxIterations) {
    multiply(p, q);
    iterations++;
    const pq = dot(p, q, n);
    if (!(pq > 0)) {
      break; // H is SPD, so only rounding at a negligible p gets here; x so far is still a descent direction.
    }
    const step = rz / pq;
    let rr = 0;
    for (let k = 0; k < n; k++) {
      x[k]! += step * p[k]!;
      const rk = r[k]! - step * q[k]!;
      r[k] = rk;
      rr += rk * rk;
    }
    residual = Math.sqrt(rr);
    if (residual <= options.tolerance * bNorm) {
      return { iterations, relativeResidual: residual / bNorm, converged: true };
    }
    precondition(r, z);
    const rzNext = dot(r, z, n);
    const beta = rzNext / rz;
    rz = rzNext;
    for (let k = 0; k < n; k++) {
      p[k] = z[k]! + beta * p[k]!;
    }
  }
  return { iterations, relativeResidual: residual / bNorm, converged: residual <= options.tolerance * bNorm };
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let k = 0;
  for (; k + 1 < n; k += 2) {
    s0 += a[k]! * b[k]!;
    s1 += a[k + 1]! * b[k + 1]!;
  }
  if (k < n) {
    s0 += a[k]! * b[k]!;
  }
  return s0 + s1;
}
