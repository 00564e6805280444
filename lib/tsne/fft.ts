// Radix-2 complex FFT over split Float64Arrays, in 1-D and 2-D, for the FFT-accelerated t-SNE repulsion
// (Linderman et al. 2019): power-of-two sizes only, unnormalised in both directions.

/** Twiddles and bit-reversal order for one power-of-two size, computed once and reused by every transform. */
export interface FftPlan {
  size: number;
  /** cos(2πk / size) and sin(2πk / size) for k < size / 2. */
  cos: Float64Array;
  sin: Float64Array;
  /** Index swaps (pairs, i < j) that put the input in bit-reversed order. */
  swaps: Int32Array;
}

/** Plan for transforms of `size` points; throws unless size is a power of two (1 included). */
export function makeFftPlan(size: number): FftPlan {
  if (!Number.isInteger(size) || size < 1 || (size & (size - 1)) !== 0) {
    throw new RangeError(`makeFftPlan: size must be a power of two (got ${size}). Pad the input to the next power of two.`);
  }
  const half = size >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / size);
    sin[k] = Math.sin((2 * Math.PI * k) / size);
  }
  const swaps: number[] = [];
  for (let i = 0, j = 0; i < size; i++) {
    if (i < j) {
      swaps.push(i, j);
    }
    let bit = half;
    while (bit > 0 && j & bit) {
      j ^= bit;
      bit >>= 1;
    }
    j |= bit;
  }
  return { size, cos, sin, swaps: Int32Array.from(swaps) };
}

/**
 * In-place DFT of the `plan.size` complex values re[offset + t], im[offset + t]: X_k = Σ_t x_t e^(∓2πikt/N),
 * with the minus sign forward and the plus sign when `inverse` (no 1/N in either direction).
 */
export function fft(plan: FftPlan, re: Float64Array, im: Float64Array, inverse = false, offset = 0): void {
  const { size, cos, sin, swaps } = plan;
  for (let s = 0; s < swaps.length; s += 2) {
    const a = offset + swaps[s]!;
    const b = offset + swaps[s + 1]!;
    const tr = re[a]!;
    const ti = im[a]!;
    re[a] = re[b]!;
    im[a] = im[b]!;
    re[b] = tr;
    im[b] = ti;
  }
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= size; len <<= 1) {
    const half = len >> 1;
    const step = size / len;
    for (let start = offset; start < offset + size; start += len) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!;
        const wi = sign * sin[k * step]!;
        const a = start + k;
        const b = a + half;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

/**
 * In-place 2-D DFT of a size x size row-major grid (size = plan.size). Only rows [0, rows) are transformed in
 * the row pass: forward, the caller promises the other rows are zero (a zero row's transform is zero);
 * inverse, the caller reads only those rows afterwards. The columns are transformed as whole rows at once,
 * so the inner loop runs along memory.
 */
export function fft2d(plan: FftPlan, re: Float64Array, im: Float64Array, inverse = false, rows = plan.size): void {
  if (!inverse) {
    for (let r = 0; r < rows; r++) {
      fft(plan, re, im, false, r * plan.size);
    }
  }
  fftColumns(plan, re, im, inverse);
  if (inverse) {
    for (let r = 0; r < rows; r++) {
      fft(plan, re, im, true, r * plan.size);
    }
  }
}

/** The column pass of `fft2d`: one radix-2 transform whose elements are whole rows. */
function fftColumns(plan: FftPlan, re: Float64Array, im: Float64Array, inverse: boolean): void {
  const { size, cos, sin, swaps } = plan;
  for (let s = 0; s < swaps.length; s += 2) {
    const a = swaps[s]! * size;
    const b = swaps[s + 1]! * size;
    for (let c = 0; c < size; c++) {
      const tr = re[a + c]!;
      const ti = im[a + c]!;
      re[a + c] = re[b + c]!;
      im[a + c] = im[b + c]!;
      re[b + c] = tr;
      im[b + c] = ti;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= size; len <<= 1) {
    const half = len >> 1;
    const step = size / len;
    for (let start = 0; start < size; start += len) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!;
        const wi = sign * sin[k * step]!;
        const a = (start + k) * size;
        const b = a + half * size;
        for (let c = 0; c < size; c++) {
          const xr = re[b + c]! * wr - im[b + c]! * wi;
          const xi = re[b + c]! * wi + im[b + c]! * wr;
          re[b + c] = re[a + c]! - xr;
          im[b + c] = im[a + c]! - xi;
          re[a + c] = re[a + c]! + xr;
          im[a + c] = im[a + c]! + xi;
        }
      }
    }
  }
}
