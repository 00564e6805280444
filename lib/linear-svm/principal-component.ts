// Paper §5.4: the discriminability plot's second axis starts from the data's first principal component.
// The covariance is only applied, as Xcᵀ(Xc·v): O(n·d) per product, never forming d x d or n x n.
import { SeededRandom } from '../random/index.ts';
import type { RowKernels } from '../wasm/index.ts';

export interface PrincipalComponentOptions {
  /**
   * `lanczos` (default) keeps every power-iteration vector and takes the best direction in their span
   * (Krylov subspace, Rayleigh–Ritz). Plain `power` needs about log(tol)/log(λ₂/λ₁) products: measured,
   * 500 were not enough on 20,000 x 500 conductances with eight similar latent factors (24 s).
   */
  method?: 'lanczos' | 'power';
  /** Stop when ‖Cv − λv‖ <= tolerance·λ. Default 1e-8. */
  tolerance?: number;
  /** Cap on covariance products. Default 300. */
  maxIterations?: number;
  /** Seed of the start vector: the result is deterministic for a given seed. Default 0. */
  seed?: number;
  /** A unit vector (length d) to exclude: the result is then the top eigenvector of PCP, P = I − uuᵀ. */
  orthogonalTo?: ArrayLike<number>;
  /** X's rows in WebAssembly SIMD passes (made from this X): each covariance product reads X once, ~6x faster. */
  kernels?: RowKernels;
}

export interface PrincipalComponent {
  /** Unit vector, length d. Sign fixed so that its largest-magnitude entry is positive. */
  component: Float64Array;
  /** Sample variance (divisor n − 1) of the data along the component: the top eigenvalue. */
  variance: number;
  /** Column means, length d. */
  mean: Float64Array;
  /** Covariance products used. */
  iterations: number;
  converged: boolean;
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, k) => s + v * b[k]!, 0);

function axpy(c: number, x: Float64Array, y: Float64Array): void {
  for (let k = 0; k < y.length; k++) {
    y[k]! += c * x[k]!;
  }
}

function removeComponent(v: Float64Array, u: ArrayLike<number> | undefined): void {
  if (u !== undefined) {
    const along = v.reduce((s, x, k) => s + x * u[k]!, 0);
    for (let k = 0; k < v.length; k++) {
      v[k]! -= along * u[k]!;
    }
  }
}

/** Makes the covariance operator v ↦ (P)C(P)v of the rows of X. */
function covarianceOperator(
  X: Float32Array,
  d: number,
  mean: Float64Array,
  u: ArrayLike<number> | undefined,
  kernels: RowKernels | undefined,
): (v: Float64Array) => Float64Array {
  const n = X.length / d;
  if (kernels) {
    const rows = Uint32Array.from({ length: n }, (_, r) => r * d);
    return (v) => {
      const out = new Float64Array(d);
      const sTotal = kernels.gramProduct(rows, n, v, dot(mean, v), 1, out);
      for (let k = 0; k < d; k++) {
        out[k] = (out[k]! - sTotal * mean[k]!) / (n - 1);
      }
      removeComponent(out, u);
      return out;
    };
  }
  return (v) => {
    // C·v = (1/(n−1)) Σ (xᵣ − μ)((xᵣ − μ)·v), accumulated as Σ sᵣxᵣ − (Σ sᵣ)μ.
    const out = new Float64Array(d);
    const meanDot = dot(mean, v);
    let sTotal = 0;
    for (let r = 0; r < n; r++) {
      const off = r * d;
      let s = -meanDot;
      for (let k = 0; k < d; k++) {
        s += X[off + k]! * v[k]!;
      }
      sTotal += s;
      for (let k = 0; k < d; k++) {
        out[k]! += s * X[off + k]!;
      }
    }
    for (let k = 0; k < d; k++) {
      out[k] = (out[k]! - sTotal * mean[k]!) / (n - 1);
    }
    removeComponent(out, u);
    return out;
  };
}

/** Top eigenpair of a small dense symmetric matrix by cyclic Jacobi rotations. */
function topEigenpair(A: Float64Array, k: number): { value: number; vector: Float64Array } {
  const a = Float64Array.from(A);
  const V = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    V[i * k + i] = 1;
  }
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < k * k; i++) {
      total += a[i]! * a[i]!;
    }
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        off += a[p * k + q]! * a[p * k + q]!;
      }
    }
    if (off <= 1e-30 * total || off === 0) {
      break;
    }
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q]!;
        if (apq === 0) {
          continue;
        }
        const theta = (a[q * k + q]! - a[p * k + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = a[r * k + p]!;
          const arq = a[r * k + q]!;
          a[r * k + p] = c * arp - s * arq;
          a[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p * k + r]!;
          const aqr = a[q * k + r]!;
          a[p * k + r] = c * apr - s * aqr;
          a[q * k + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = V[r * k + p]!;
          const vrq = V[r * k + q]!;
          V[r * k + p] = c * vrp - s * vrq;
          V[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  let top = 0;
  for (let i = 1; i < k; i++) {
    if (a[i * k + i]! > a[top * k + top]!) {
      top = i;
    }
  }
  return { value: a[top * k + top]!, vector: Float64Array.from({ length: k }, (_, r) => V[r * k + top]!) };
}

/**
 * First principal component of the rows of X (n x d row-major). With fewer than 2 rows, or no variance
 * (in the allowed subspace), the component is the normalised start vector and the variance 0.
 */
export function firstPrincipalComponent(X: Float32Array, d: number, options: PrincipalComponentOptions = {}): PrincipalComponent {
  if (!Number.isInteger(d) || d < 1 || X.length % d !== 0) {
    throw new RangeError(`firstPrincipalComponent: X has ${X.length} values, not a multiple of d = ${d}. Pass n x d row-major data.`);
  }
  const { method = 'lanczos', tolerance = 1e-8, maxIterations = 300, seed = 0, orthogonalTo } = options;
  const n = X.length / d;
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < d; k++) {
      mean[k]! += X[r * d + k]!;
    }
  }
  mean.forEach((s, k) => (mean[k] = s / Math.max(n, 1)));
  const random = new SeededRandom(seed);
  const start = Float64Array.from({ length: d }, () => random.normal());
  removeComponent(start, orthogonalTo);
  const startNorm = Math.sqrt(dot(start, start));
  start.forEach((x, k) => (start[k] = x / startNorm));
  const result =
    n < 2
      ? { vector: start, value: 0, iterations: 0, converged: false }
      : (method === 'power' ? powerIteration : lanczos)(covarianceOperator(X, d, mean, orthogonalTo, options.kernels), start, tolerance, maxIterations);
  const v = result.value > 0 ? result.vector : start;
  let largest = 0;
  v.forEach((x, k) => {
    if (Math.abs(x) > Math.abs(v[largest]!)) {
      largest = k;
    }
  });
  const sign = v[largest]! < 0 ? -1 : 1;
  return { component: v.map((x) => sign * x), variance: Math.max(result.value, 0), mean, iterations: result.iterations, converged: result.converged };
}

interface Eigenpair {
  vector: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

function powerIteration(apply: (v: Float64Array) => Float64Array, start: Float64Array, tolerance: number, maxIterations: number): Eigenpair {
  let v = start;
  let value = 0;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const Cv = apply(v);
    value = dot(v, Cv);
    const residual = Cv.map((x, k) => x - value * v[k]!);
    const norm = Math.sqrt(dot(Cv, Cv));
    if (norm === 0 || Math.sqrt(dot(residual, residual)) <= tolerance * value) {
      return { vector: v, value, iterations: iteration, converged: true };
    }
    v = Cv.map((x) => x / norm);
  }
  return { vector: v, value, iterations: maxIterations, converged: false };
}

/** Lanczos with full reorthogonalisation; the residual of the top Ritz pair is β·|last entry of its vector|. */
function lanczos(apply: (v: Float64Array) => Float64Array, start: Float64Array, tolerance: number, maxIterations: number): Eigenpair {
  const basis: Float64Array[] = [start];
  const alphas: number[] = [];
  const betas: number[] = [];
  let best: { value: number; vector: Float64Array } = { value: 0, vector: new Float64Array([1]) };
  for (let j = 0; j < maxIterations; j++) {
    const z = apply(basis[j]!);
    alphas.push(dot(basis[j]!, z));
    // Twice is enough (Kahan's rule) to keep the basis orthogonal to rounding.
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        axpy(-dot(q, z), q, z);
      }
    }
    const beta = Math.sqrt(dot(z, z));
    const k = j + 1;
    const T = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      T[i * k + i] = alphas[i]!;
      if (i + 1 < k) {
        T[i * k + i + 1] = betas[i]!;
        T[(i + 1) * k + i] = betas[i]!;
      }
    }
    best = topEigenpair(T, k);
    const residual = beta * Math.abs(best.vector[k - 1]!);
    const done = residual <= tolerance * Math.abs(best.value) || beta <= 1e-12 * Math.abs(best.value) || beta === 0;
    if (done || j + 1 === maxIterations) {
      const vector = new Float64Array(start.length);
      basis.forEach((q, i) => axpy(best.vector[i]!, q, vector));
      const norm = Math.sqrt(dot(vector, vector));
      return { vector: vector.map((x) => x / norm), value: best.value, iterations: k, converged: done };
    }
    betas.push(beta);
    basis.push(z.map((x) => x / beta));
  }
  return { vector: start, value: 0, iterations: 0, converged: false };
}
