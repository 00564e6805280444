// Dense kernels for the linear SVM solvers: row dot products, a symmetric rank-k update and a Cholesky
// solve. V8 does not vectorise, so independent accumulators (short dependency chains) are the main lever.

/** Σ_k w[k]·X[off + k] for k < d. */
export function rowDot(X: Float32Array, off: number, w: Float64Array, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < d; k += 4) {
    s0 += w[k]! * X[off + k]!;
    s1 += w[k + 1]! * X[off + k + 1]!;
    s2 += w[k + 2]! * X[off + k + 2]!;
    s3 += w[k + 3]! * X[off + k + 3]!;
  }
  for (; k < d; k++) {
    s0 += w[k]! * X[off + k]!;
  }
  return s0 + s1 + s2 + s3;
}

/** w[k] += c·X[off + k] for k < d. */
export function rowAxpy(c: number, X: Float32Array, off: number, w: Float64Array, d: number): void {
  let k = 0;
  for (; k + 3 < d; k += 4) {
    w[k]! += c * X[off + k]!;
    w[k + 1]! += c * X[off + k + 1]!;
    w[k + 2]! += c * X[off + k + 2]!;
    w[k + 3]! += c * X[off + k + 3]!;
  }
  for (; k < d; k++) {
    w[k]! += c * X[off + k]!;
  }
}

/** Σ_k v[k]·A[off + k] for k < n; `rowDot` over a Float64Array (kept apart so each call site stays monomorphic). */
export function denseDot(A: Float64Array, off: number, v: Float64Array, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += v[k]! * A[off + k]!;
    s1 += v[k + 1]! * A[off + k + 1]!;
    s2 += v[k + 2]! * A[off + k + 2]!;
    s3 += v[k + 3]! * A[off + k + 3]!;
  }
  for (; k < n; k++) {
    s0 += v[k]! * A[off + k]!;
  }
  return s0 + s1 + s2 + s3;
}

/** v[k] += c·A[off + k] for k < n. */
export function denseAxpy(c: number, A: Float64Array, off: number, v: Float64Array, n: number): void {
  let k = 0;
  for (; k + 3 < n; k += 4) {
    v[k]! += c * A[off + k]!;
    v[k + 1]! += c * A[off + k + 1]!;
    v[k + 2]! += c * A[off + k + 2]!;
    v[k + 3]! += c * A[off + k + 3]!;
  }
  for (; k < n; k++) {
    v[k]! += c * A[off + k]!;
  }
}

/**
 * S += Σ_r sign_r · x̂_r x̂_rᵀ on the lower triangle of the p x p row-major S, where x̂_r is row `offsets[r]`
 * of X (d values) followed by the constant B, so p = d + 1. Rows are gathered feature-major first, so each
 * inner loop streams two contiguous vectors of length k (the number of rows).
 */
export function addOuterProducts(
  S: Float64Array,
  X: Float32Array,
  d: number,
  B: number,
  offsets: ArrayLike<number>,
  signs: ArrayLike<number>,
  count: number,
): void {
  // Chunks bound the gathered copies to 2 x (d + 1) x 1024 doubles (8 MB at d = 500).
  for (let start = 0; start < count; start += 1024) {
    addOuterProductChunk(S, X, d, B, offsets, signs, start, Math.min(1024, count - start));
  }
}

function addOuterProductChunk(
  S: Float64Array,
  X: Float32Array,
  d: number,
  B: number,
  offsets: ArrayLike<number>,
  signs: ArrayLike<number>,
  start: number,
  count: number,
): void {
  const p = d + 1;
  const T = new Float64Array(p * count);
  const U = new Float64Array(p * count);
  for (let r = 0; r < count; r++) {
    const off = offsets[start + r]!;
    const sign = signs[start + r]!;
    for (let a = 0; a < d; a++) {
      const v = X[off + a]!;
      T[a * count + r] = v;
      U[a * count + r] = sign * v;
    }
    T[d * count + r] = B;
    U[d * count + r] = sign * B;
  }
  // 4 x 2 register blocks: six loads feed eight products (measured 1.4x faster than 2 x 2 blocks for 880
  // rows at d = 500). A block touching the diagonal also writes entries above it, which are never read.
  let a = 0;
  for (; a + 3 < p; a += 4) {
    const u0 = a * count;
    const u1 = u0 + count;
    const u2 = u1 + count;
    const u3 = u2 + count;
    for (let b = 0; b <= a + 2; b += 2) {
      const t0 = b * count;
      const t1 = t0 + count;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      let s20 = 0;
      let s21 = 0;
      let s30 = 0;
      let s31 = 0;
      for (let r = 0; r < count; r++) {
        const x0 = T[t0 + r]!;
        const x1 = T[t1 + r]!;
        const v0 = U[u0 + r]!;
        const v1 = U[u1 + r]!;
        const v2 = U[u2 + r]!;
        const v3 = U[u3 + r]!;
        s00 += v0 * x0;
        s01 += v0 * x1;
        s10 += v1 * x0;
        s11 += v1 * x1;
        s20 += v2 * x0;
        s21 += v2 * x1;
        s30 += v3 * x0;
        s31 += v3 * x1;
      }
      const row = a * p + b;
      S[row]! += s00;
      S[row + 1]! += s01;
      S[row + p]! += s10;
      S[row + p + 1]! += s11;
      S[row + 2 * p]! += s20;
      S[row + 2 * p + 1]! += s21;
      S[row + 3 * p]! += s30;
      S[row + 3 * p + 1]! += s31;
    }
  }
  for (; a < p; a++) {
    const ua = a * count;
    const row = a * p;
    for (let b = 0; b <= a; b++) {
      const tb = b * count;
      let s = 0;
      for (let r = 0; r < count; r++) {
        s += U[ua + r]! * T[tb + r]!;
      }
      S[row + b]! += s;
    }
  }
}

/**
 * Overwrites the lower triangle of the symmetric positive definite p x p row-major A with its Cholesky
 * factor L (A = LLᵀ). Returns false, leaving A partly overwritten, if a pivot is not positive.
 */
export function choleskyInPlace(A: Float64Array, p: number): boolean {
  // Two rows against two earlier rows at a time: four dot products share four loads per k (measured 1.9x
  // faster than one dot product at a time at p = 501), and each pass over the finished rows serves two rows.
  let i = 0;
  for (; i + 1 < p; i += 2) {
    const r0 = i * p;
    const r1 = r0 + p;
    for (let j = 0; j < i; j += 2) {
      const q0 = j * p;
      const q1 = q0 + p;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < j; k++) {
        const a0 = A[r0 + k]!;
        const a1 = A[r1 + k]!;
        const b0 = A[q0 + k]!;
        const b1 = A[q1 + k]!;
        s00 += a0 * b0;
        s01 += a0 * b1;
        s10 += a1 * b0;
        s11 += a1 * b1;
      }
      // Column j + 1 also needs the k = j term, whose L[·, j] entries were just computed.
      const ljj = A[q0 + j]!;
      const lj1j = A[q1 + j]!;
      const lj1j1 = A[q1 + j + 1]!;
      const x0 = (A[r0 + j]! - s00) / ljj;
      const x1 = (A[r1 + j]! - s10) / ljj;
      A[r0 + j] = x0;
      A[r1 + j] = x1;
      A[r0 + j + 1] = (A[r0 + j + 1]! - s01 - x0 * lj1j) / lj1j1;
      A[r1 + j + 1] = (A[r1 + j + 1]! - s11 - x1 * lj1j) / lj1j1;
    }
    let s00 = 0;
    let s10 = 0;
    let s11 = 0;
    for (let k = 0; k < i; k++) {
      const a0 = A[r0 + k]!;
      const a1 = A[r1 + k]!;
      s00 += a0 * a0;
      s10 += a1 * a0;
      s11 += a1 * a1;
    }
    const pivot0 = A[r0 + i]! - s00;
    if (!(pivot0 > 0)) {
      return false;
    }
    const l00 = Math.sqrt(pivot0);
    A[r0 + i] = l00;
    const l10 = (A[r1 + i]! - s10) / l00;
    A[r1 + i] = l10;
    const pivot1 = A[r1 + i + 1]! - s11 - l10 * l10;
    if (!(pivot1 > 0)) {
      return false;
    }
    A[r1 + i + 1] = Math.sqrt(pivot1);
  }
  if (i < p) {
    // Odd p: the last row alone.
    const ri = i * p;
    for (let j = 0; j <= i; j++) {
      const rj = j * p;
      let s = 0;
      for (let k = 0; k < j; k++) {
        s += A[ri + k]! * A[rj + k]!;
      }
      const v = A[ri + j]! - s;
      if (i === j) {
        if (!(v > 0)) {
          return false;
        }
        A[ri + i] = Math.sqrt(v);
      } else {
        A[ri + j] = v / A[rj + j]!;
      }
    }
  }
  return true;
}
