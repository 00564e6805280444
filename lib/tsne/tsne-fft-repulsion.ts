// FFT-accelerated t-SNE repulsion (Linderman et al. 2019, FIt-SNE §3): the points' charges are spread onto an
// equispaced grid by Lagrange interpolation, convolved with the squared Cauchy kernel by FFT, and read back.
// O(n + grid) per step instead of Barnes-Hut's O(n log n); the grid grows with the layout's extent.
import { fft2d, makeFftPlan, type FftPlan } from './fft.ts';

/** Interpolation nodes per box and axis, at (j + ½) / 3 of the box: FIt-SNE's default. */
const NODES = 3;

/** Buffers reused across the steps of one layout; the grid buffers are replaced when the grid size changes. */
export interface FftRepulsion {
  /** Widest box side in layout units; the kernel's own length scale is 1. */
  maxBoxWidth: number;
  /** Box side of the current kernel spectrum. */
  boxWidth: number;
  /** Per point: lower-left grid node of its box (row-major offset), and its 3 Lagrange weights per axis. */
  cell: Int32Array;
  weightX: Float64Array;
  weightY: Float64Array;
  plan: FftPlan | null;
  /** Spectrum of the kernel on the current grid (real: the kernel is even), divided by size² for the inverse. */
  kernel: Float64Array;
  /** Two complex grids: charges (1, x) and (y, x² + y²) as real and imaginary parts. */
  aRe: Float64Array;
  aIm: Float64Array;
  bRe: Float64Array;
  bIm: Float64Array;
}

/** Buffers for layouts of n points, with boxes at most `maxBoxWidth` wide (default 1, FIt-SNE's). */
export function makeFftRepulsion(n: number, maxBoxWidth = 1): FftRepulsion {
  return {
    maxBoxWidth,
    boxWidth: NaN,
    cell: new Int32Array(n),
    weightX: new Float64Array(NODES * n),
    weightY: new Float64Array(NODES * n),
    plan: null,
    kernel: new Float64Array(0),
    aRe: new Float64Array(0),
    aIm: new Float64Array(0),
    bRe: new Float64Array(0),
    bIm: new Float64Array(0),
  };
}

/** The FFT size (a power of two, at least 16) whose grid covers a layout `extent` units wide. */
export function fftGridSize(extent: number, boxWidth: number): number {
  // Zero padding to twice the grid turns the FFT's circular convolution into the linear one.
  const boxes = Math.max(1, Math.ceil(extent / boxWidth));
  let size = 16;
  while (Math.floor(size / (2 * NODES)) < boxes) {
    size *= 2;
  }
  return size;
}

/** Kernel 1 / (1 + r²)² at every grid offset, embedded circulantly and transformed. */
function kernelSpectrum(plan: FftPlan, spacing: number): Float64Array {
  const size = plan.size;
  const re = new Float64Array(size * size);
  const im = new Float64Array(size * size);
  for (let a = 0; a < size; a++) {
    const da = (a < size / 2 ? a : a - size) * spacing;
    for (let b = 0; b < size; b++) {
      const db = (b < size / 2 ? b : b - size) * spacing;
      const w = 1 / (1 + da * da + db * db);
      re[a * size + b] = w * w;
    }
  }
  fft2d(plan, re, im);
  const scale = 1 / (size * size);
  for (let c = 0; c < re.length; c++) {
    re[c] = re[c]! * scale;
  }
  return re;
}

/**
 * Plan, buffers and kernel spectrum for a grid of `size` with boxes `boxWidth` wide, kept from the last step
 * when both are unchanged.
 */
function useGrid(state: FftRepulsion, size: number, boxWidth: number): FftPlan {
  if (state.plan?.size === size && state.boxWidth === boxWidth) {
    return state.plan;
  }
  if (state.plan?.size !== size) {
    state.plan = makeFftPlan(size);
    state.aRe = new Float64Array(size * size);
    state.aIm = new Float64Array(size * size);
    state.bRe = new Float64Array(size * size);
    state.bIm = new Float64Array(size * size);
  }
  state.kernel = kernelSpectrum(state.plan, boxWidth / NODES);
  state.boxWidth = boxWidth;
  return state.plan;
}

/**
 * FFT-interpolated repulsion: writes Σⱼ wᵢⱼ²(yᵢ - yⱼ) into out[2i], out[2i + 1] with wᵢⱼ = 1 / (1 + |yᵢ - yⱼ|²)
 * and returns Z = Σ_{i≠j} wᵢⱼ, as `repulsiveForces` does, for layout `y` (n x 2 row-major, n >= 1).
 */
export function fftRepulsiveForces(state: FftRepulsion, y: Float64Array, n: number, out: Float64Array): number {
  const { minX, maxX, minY, maxY } = bounds(y, n);
  const extent = Math.max(maxX - minX, maxY - minY);
  const size = fftGridSize(extent, state.maxBoxWidth);
  const boxes = Math.floor(size / (2 * NODES));
  // Boxes stretch to fill the grid the FFT size allows (narrower boxes interpolate better at no cost), their
  // width rounded up to a step of 2^(1/16) so the kernel's spectrum is reused while the layout grows slowly.
  const stretched = Math.max(extent / boxes, 1e-6);
  const boxWidth = Math.min(state.maxBoxWidth, 2 ** (Math.ceil(16 * Math.log2(stretched)) / 16));
  const plan = useGrid(state, size, boxWidth);
  const { cell, weightX, weightY, aRe, aIm, bRe, bIm, kernel } = state;
  // The grid is centred on the layout; charges use coordinates about that centre, so x² + y² stays small.
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const half = (boxes * boxWidth) / 2;
  aRe.fill(0);
  aIm.fill(0);
  bRe.fill(0);
  bIm.fill(0);
  for (let i = 0; i < n; i++) {
    const x = y[2 * i]! - cx;
    const yy = y[2 * i + 1]! - cy;
    const ux = (x + half) / boxWidth;
    const uy = (yy + half) / boxWidth;
    const bx = Math.max(0, Math.min(boxes - 1, Math.floor(ux)));
    const by = Math.max(0, Math.min(boxes - 1, Math.floor(uy)));
    const at = by * NODES * size + bx * NODES;
    cell[i] = at;
    lagrangeWeights(ux - bx, weightX, NODES * i);
    lagrangeWeights(uy - by, weightY, NODES * i);
    const r2 = x * x + yy * yy;
    for (let a = 0; a < NODES; a++) {
      const row = at + a * size;
      const wy = weightY[NODES * i + a]!;
      for (let b = 0; b < NODES; b++) {
        const w = wy * weightX[NODES * i + b]!;
        aRe[row + b] = aRe[row + b]! + w;
        aIm[row + b] = aIm[row + b]! + w * x;
        bRe[row + b] = bRe[row + b]! + w * yy;
        bIm[row + b] = bIm[row + b]! + w * r2;
      }
    }
  }
  const gridRows = boxes * NODES;
  fft2d(plan, aRe, aIm, false, gridRows);
  fft2d(plan, bRe, bIm, false, gridRows);
  // A real spectrum multiplies real and imaginary parts alike, so each complex grid carries two convolutions.
  for (let c = 0; c < size * size; c++) {
    const k = kernel[c]!;
    aRe[c] = aRe[c]! * k;
    aIm[c] = aIm[c]! * k;
    bRe[c] = bRe[c]! * k;
    bIm[c] = bIm[c]! * k;
  }
  fft2d(plan, aRe, aIm, true, gridRows);
  fft2d(plan, bRe, bIm, true, gridRows);
  let z = 0;
  for (let i = 0; i < n; i++) {
    let phi0 = 0;
    let phi1 = 0;
    let phi2 = 0;
    let phi3 = 0;
    for (let a = 0; a < NODES; a++) {
      const row = cell[i]! + a * size;
      const wy = weightY[NODES * i + a]!;
      for (let b = 0; b < NODES; b++) {
        const w = wy * weightX[NODES * i + b]!;
        phi0 += w * aRe[row + b]!;
        phi1 += w * aIm[row + b]!;
        phi2 += w * bRe[row + b]!;
        phi3 += w * bIm[row + b]!;
      }
    }
    const x = y[2 * i]! - cx;
    const yy = y[2 * i + 1]! - cy;
    // Σⱼ wᵢⱼ²(1 + |yᵢ - yⱼ|²) = Σⱼ wᵢⱼ, expanded in the four potentials; the j = i term adds exactly 1.
    z += (1 + x * x + yy * yy) * phi0 - 2 * (x * phi1 + yy * phi2) + phi3 - 1;
    out[2 * i] = x * phi0 - phi1;
    out[2 * i + 1] = yy * phi0 - phi2;
  }
  return z;
}

/** Lagrange weights of u ∈ [0, 1] over the nodes 1/6, 1/2, 5/6 of a unit box, into w[at .. at + 3). */
function lagrangeWeights(u: number, w: Float64Array, at: number): void {
  const a = u - 1 / 6;
  const b = u - 0.5;
  const c = u - 5 / 6;
  // Denominators Π_{k≠j}(t_j - t_k): 2/9, -1/9, 2/9.
  w[at] = 4.5 * b * c;
  w[at + 1] = -9 * a * c;
  w[at + 2] = 4.5 * a * b;
}

function bounds(y: Float64Array, n: number): { minX: number; maxX: number; minY: number; maxY: number } {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, y[2 * i]!);
    maxX = Math.max(maxX, y[2 * i]!);
    minY = Math.min(minY, y[2 * i + 1]!);
    maxY = Math.max(maxY, y[2 * i + 1]!);
  }
  return { minX, maxX, minY, maxY };
}
