// The ways t-SNE's repulsion is estimated here, behind one signature: Barnes-Hut (a quadtree, O(n log n) per
// step), FFT-accelerated interpolation (FIt-SNE, O(n) plus a grid that grows with the layout's extent), and
// `auto`, which takes whichever of the two is cheaper for the layout at hand.
import { fftGridSize, fftRepulsiveForces, makeFftRepulsion } from './tsne-fft-repulsion.ts';
import { repulsiveForces } from './tsne-barnes-hut.ts';
import { makeSimdBarnesHut } from './tsne-barnes-hut-simd.ts';
import { buildQuadTree, makeQuadTree } from './tsne-quadtree.ts';

export type RepulsionMethod = 'barnes-hut' | 'fft' | 'auto';

/** Writes Σⱼ wᵢⱼ²(yᵢ - yⱼ) for every point of layout `y` (n x 2) into `out` and returns Z = Σ_{i≠j} wᵢⱼ. */
export type Repulsion = (y: Float64Array, out: Float64Array) => number;

export interface RepulsionOptions {
  /** Barnes-Hut accuracy (see TsneOptions.theta). */
  theta: number;
  /** Barnes-Hut cells add their quadrupole term. */
  quadrupole: boolean;
  /** Box width of the FFT grid, in layout units. */
  boxWidth: number;
  /** Walk the tree by the WebAssembly SIMD kernel where it runs (monopole cells only). */
  simd: boolean;
}

/** A repulsion estimator for layouts of n >= 1 points, holding its buffers across steps. */
export function makeRepulsion(method: RepulsionMethod, n: number, options: RepulsionOptions): Repulsion {
  const state = method === 'barnes-hut' ? null : makeFftRepulsion(n, options.boxWidth);
  const tree = method === 'fft' ? null : makeQuadTree(n);
  const simdWalk = tree !== null && options.simd && !options.quadrupole ? makeSimdBarnesHut(n) : null;
  // θ = 0 asks for exact forces, which only the tree gives.
  const largestFftGrid = method === 'fft' ? Infinity : options.theta === 0 ? 0 : autoFftLimit(n);
  return (y, out) => {
    if (state !== null && (tree === null || fftGridSize(extentOf(y, n), options.boxWidth) <= largestFftGrid)) {
      return fftRepulsiveForces(state, y, n, out);
    }
    buildQuadTree(tree!, y, n, options.quadrupole);
    return simdWalk === null ? repulsiveForces(tree!, options.theta, out, options.quadrupole) : simdWalk(tree!, options.theta, out);
  };
}

/**
 * Grid cells one point's Barnes-Hut work pays for. Measured per step: FFT 1.0-1.3 ms at size 64 and 3.0-3.7 ms
 * at 128 (n = 1,500-5,000), Barnes-Hut about 1.1 µs per point at θ = 0.5 (1.5-2.1 ms at 1,500, 5.3-6.6 at 5,000).
 */
const FFT_CELLS_PER_POINT = 5;

/** Largest FFT size `auto` uses for n points: 0 below 820 points, 64 up to 3,276, 128 up to 13,107. */
export function autoFftLimit(n: number): number {
  let size = 0;
  while ((2 * (size || 8)) ** 2 <= FFT_CELLS_PER_POINT * n) {
    size = 2 * (size || 8);
  }
  return size >= 64 ? size : 0;
}

function extentOf(y: Float64Array, n: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let c = 0; c < 2 * n; c++) {
    lo = Math.min(lo, y[c]!);
    hi = Math.max(hi, y[c]!);
  }
  return hi - lo;
}
