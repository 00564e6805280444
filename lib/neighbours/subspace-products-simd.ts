// The PCA's matrix products (subspace iteration and the final projection) by the WebAssembly SIMD kernel
// `dotProducts`: the centred rows and their transpose are copied into the kernel's memory once, so both products
// are row-by-row dot products. Measured: most of the demo's per-checkpoint layout was these loops in JS.
import { layoutRegions, makeSimdKernels } from '../wasm/index.ts';
import type { SubspaceProducts } from './neighbour-subspace.ts';

/**
 * The products of `subspaceProducts` (neighbour-subspace.ts) for bases of up to `maxM` columns, or null where
 * WebAssembly SIMD is missing. Equal to the JS loops up to rounding (the kernel sums in another order).
 */
export function simdSubspaceProducts(data: Float32Array, n: number, d: number, maxM: number): SubspaceProducts | null {
  // Kernel shapes: rows of even length, an even number of left rows, right rows in fours; zero rows pad them.
  const rows = n + (n % 2);
  const dims = d + (d % 2);
  const columns = Math.ceil(maxM / 4) * 4;
  const [xc, xcT, right, out, total] = layoutRegions([
    8 * rows * dims,
    8 * dims * rows,
    8 * columns * Math.max(rows, dims),
    8 * Math.max(rows, dims) * columns,
  ]);
  const kernels = makeSimdKernels(total!);
  if (kernels === null) {
    return null;
  }
  const { buffer } = kernels.memory;
  const centred = new Float64Array(buffer, xc!, rows * dims);
  const transposed = new Float64Array(buffer, xcT!, dims * rows);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) {
      mean[t] = mean[t]! + data[i * d + t]! / n;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) {
      const x = data[i * d + t]! - mean[t]!;
      centred[i * dims + t] = x;
      transposed[t * rows + i] = x;
    }
  }
  const rightRows = new Float64Array(buffer, right!, columns * Math.max(rows, dims));
  const result = new Float64Array(buffer, out!, Math.max(rows, dims) * columns);
  /** out (left x m) = left rows · (matrix (len x m))ᵀ-rows, through the kernel. */
  const multiply = (left: number, leftRows: number, len: number, matrix: Float64Array, m: number, target: Float64Array) => {
    const width = Math.ceil(m / 4) * 4;
    rightRows.fill(0, 0, width * len);
    for (let t = 0; t < len; t++) {
      for (let c = 0; c < m; c++) {
        rightRows[c * len + t] = matrix[t * m + c]!;
      }
    }
    kernels.dotProducts(left, right!, len, 0, leftRows, 0, width, out!);
    const count = target.length / m;
    for (let r = 0; r < count; r++) {
      for (let c = 0; c < m; c++) {
        target[r * m + c] = result[r * width + c]!;
      }
    }
  };
  return {
    scores(basis, m, target) {
      // Padding dimensions are zero in the centred rows; the basis' padding rows must be too.
      multiply(xc!, rows, dims, d === dims ? basis : padRows(basis, d, dims, m), m, target);
    },
    transposed(scores, m, target) {
      multiply(xcT!, dims, rows, n === rows ? scores : padRows(scores, n, rows, m), m, target);
    },
  };
}

function padRows(matrix: Float64Array, count: number, padded: number, m: number): Float64Array {
  const out = new Float64Array(padded * m);
  out.set(matrix.subarray(0, count * m));
  return out;
}
