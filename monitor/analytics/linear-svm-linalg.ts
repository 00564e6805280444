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

/**
 * S += Σ_r sign_r · x̂_r x̂_rᵀ on the lower triangle of the p x p row-major S, where x̂_r is row `offsets[r]`
 * of X (d values) followed by the constant B, so p = d + 1. Rows are gathered feature-major first, so each
 * inner loop streams two contiguous vectors of length k (the number of rows).
 */
export function addOuterProducts(S: Float64Array, X: Float32Array, d: number, B: number, offsets: ArrayLike<number>, signs: ArrayLike<number>, count: number): void {
  // Chunks bound the gathered copies to 2 x (d + 1) x 1024 doubles (8 MB at d = 500).
  for (let start = 0; start < count; start += 1024) {
    addOuterProductChunk(S, X, d, B, offsets, signs, start, Math.min(1024, count - start));
  }
}

function addOuterProductChunk(S: Float64Array, X: Float32Array, d: number, B: number, offsets: ArrayLike<number>, signs: ArrayLike<number>, start: number, count: number): void {
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
  // 2 x 2 register blocks: four loads feed four products (measured 1.5x faster than 1 x 2 for 800 rows at
  // d = 500). A diagonal block also writes one entry above the diagonal, which is never read.
  let a = 0;
  for (; a + 1 < p; a += 2) {
    const ua0 = a * count;
    const ua1 = ua0 + count;
    const row0 = a * p;
    const row1 = row0 + p;
    for (let b = 0; b <= a; b += 2) {
      const tb0 = b * count;
      const tb1 = tb0 + count;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let r = 0; r < count; r++) {
        const u0 = U[ua0 + r]!;
        const u1 = U[ua1 + r]!;
        const t0 = T[tb0 + r]!;
        const t1 = T[tb1 + r]!;
        s00 += u0 * t0;
        s01 += u0 * t1;
        s10 += u1 * t0;
        s11 += u1 * t1;
      }
      S[row0 + b]! += s00;
      S[row0 + b + 1]! += s01;
      S[row1 + b]! += s10;
      S[row1 + b + 1]! += s11;
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
  for (let i = 0; i < p; i++) {
    const ri = i * p;
    for (let j = 0; j <= i; j++) {
      const rj = j * p;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let k = 0;
      for (; k + 3 < j; k += 4) {
        s0 += A[ri + k]! * A[rj + k]!;
        s1 += A[ri + k + 1]! * A[rj + k + 1]!;
        s2 += A[ri + k + 2]! * A[rj + k + 2]!;
        s3 += A[ri + k + 3]! * A[rj + k + 3]!;
      }
      for (; k < j; k++) {
        s0 += A[ri + k]! * A[rj + k]!;
      }
      const s = A[ri + j]! - (s0 + s1 + s2 + s3);
      if (i === j) {
        if (!(s > 0)) {
          return false;
        }
        A[ri + i] = Math.sqrt(s);
      } else {
        A[ri + j] = s / A[rj + j]!;
      }
    }
  }
  return true;
}

/** Solves LLᵀx = b in place in b, with L from `choleskyInPlace`. */
export function choleskySolveInPlace(L: Float64Array, p: number, b: Float64Array): void {
  for (let i = 0; i < p; i++) {
    const ri = i * p;
    let s = b[i]!;
    for (let k = 0; k < i; k++) {
      s -= L[ri + k]! * b[k]!;
    }
    b[i] = s / L[ri + i]!;
  }
  // Lᵀ is traversed by columns of L; accumulate row by row instead to keep the access contiguous.
  for (let i = p - 1; i >= 0; i--) {
    const ri = i * p;
    const x = b[i]! / L[ri + i]!;
    b[i] = x;
    for (let k = 0; k < i; k++) {
      b[k]! -= L[ri + k]! * x;
    }
  }
}
