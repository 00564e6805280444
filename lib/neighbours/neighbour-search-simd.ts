// Exact k-nearest neighbours by brute force over every pair, with the distances computed by the WebAssembly SIMD
// kernel in blocks of rows (float64, as the JS search does, so both give the same neighbours). See decisions.md.
import { finishBuffers, makeNeighbourBuffers, pushCandidate } from './neighbour-buffers.ts';
import { principalSubspace, project } from './neighbour-subspace.ts';
import { layoutRegions, makeSimdKernels } from '../wasm/index.ts';

/** Bytes of one block of rows: a pair of blocks (2 x 32 KB) stays in L1/L2 while its pairs are computed. */
const BLOCK_BYTES = 65536;

/**
 * Writes every row's k nearest other rows of `data` (n x d), nearest first, into n x k `indices` and
 * `squaredDistances`. Returns false, touching nothing, when WebAssembly SIMD is unavailable.
 */
export function simdNearestNeighbours(data: Float32Array, n: number, d: number, k: number, indices: Int32Array, squaredDistances: Float64Array): boolean {
  // The kernel takes rows of an even length and blocks of whole 4-row groups; zero padding changes no distance.
  const width = d + (d % 2);
  const rowsPerBlock = Math.max(4, Math.floor(BLOCK_BYTES / (8 * width) / 4) * 4);
  const rows = Math.ceil(n / 4) * 4;
  const [x, out, total] = layoutRegions([8 * rows * width, 8 * rowsPerBlock * rowsPerBlock]);
  const kernels = makeSimdKernels(total!);
  if (kernels === null) {
    return false;
  }
  const original = principalOrder(data, n, d);
  const xs = new Float64Array(kernels.memory.buffer, x!, rows * width);
  for (let a = 0; a < n; a++) {
    const i = original[a]!;
    for (let t = 0; t < d; t++) {
      xs[a * width + t] = data[i * d + t]!;
    }
  }
  const block = new Float64Array(kernels.memory.buffer, out!, rowsPerBlock * rowsPerBlock);
  const buffers = makeNeighbourBuffers(n, k);
  // The bounds are one dense array: reading each point's k-th distance inside its own buffer, 2k entries apart,
  // would miss the cache on nearly every pair.
  const { bound } = buffers;
  const blocks = Math.ceil(rows / rowsPerBlock);
  // Rows sorted along the first principal direction, block pairs visited diagonal band by band: each point meets
  // its likely neighbours first, its bound tightens early, and most later pairs are rejected by one comparison.
  for (let band = 0; band < blocks; band++) {
    for (let bi = 0; bi + band < blocks; bi++) {
      const ib = bi * rowsPerBlock;
      const jb = (bi + band) * rowsPerBlock;
      const iEnd = Math.min(rows, ib + rowsPerBlock);
      const jEnd = Math.min(rows, jb + rowsPerBlock);
      const cols = jEnd - jb;
      kernels.squaredDistances(x!, width, ib, iEnd, jb, jEnd, out!);
      const aLast = Math.min(n, iEnd);
      const bLast = Math.min(n, jEnd);
      for (let a = ib; a < aLast; a++) {
        const i = original[a]!;
        const row = (a - ib) * cols - jb;
        for (let b = band === 0 ? a + 1 : jb; b < bLast; b++) {
          const s = block[row + b]!;
          const j = original[b]!;
          if (s <= bound[i]!) {
            pushCandidate(buffers, i, s, j);
          }
          if (s <= bound[j]!) {
            pushCandidate(buffers, j, s, i);
          }
        }
      }
    }
  }
  finishBuffers(buffers, indices, squaredDistances);
  return true;
}

/** Row indices in order of the first principal coordinate (ties by index). */
function principalOrder(data: Float32Array, n: number, d: number): Int32Array {
  const first = new Float64Array(n);
  project(data, n, d, principalSubspace(data, n, d, 1), 1, first);
  return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => first[a]! - first[b]! || a - b);
}
