// t-SNE's attractive forces over the sparse input affinities (van der Maaten 2014 §4.1): each pair with
// pᵢⱼ > 0 pulls its two points together, weighted by the Student-t similarity of their layout positions.
import { layoutRegions, makeSimdKernels } from '../wasm/index.ts';
import type { SparseAffinities } from './tsne-affinities.ts';

/** P's entries above the diagonal as CSR: each pair is visited once and pushes both of its points. */
export function upperTriangle(P: SparseAffinities): SparseAffinities {
  const { n, rowStart, columns, values } = P;
  const start = new Int32Array(n + 1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) {
      count += columns[e]! > i ? 1 : 0;
    }
  }
  const cols = new Int32Array(count);
  const vals = new Float64Array(count);
  let out = 0;
  for (let i = 0; i < n; i++) {
    for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) {
      if (columns[e]! > i) {
        cols[out] = columns[e]!;
        vals[out++] = values[e]!;
      }
    }
    start[i + 1] = out;
  }
  return { n, rowStart: start, columns: cols, values: vals };
}

/**
 * Σⱼ pᵢⱼ wᵢⱼ (yᵢ - yⱼ) for every i into `out` (n x 2), wᵢⱼ = 1 / (1 + |yᵢ - yⱼ|²), from the upper triangle of a
 * symmetric P. Measured against the full matrix without scatter: half the pairs, 10% faster overall.
 */
export function attractiveForces(upper: SparseAffinities, Y: Float64Array, out: Float64Array): void {
  const { n, rowStart, columns, values } = upper;
  out.fill(0);
  for (let i = 0; i < n; i++) {
    const xi = Y[2 * i]!;
    const yi = Y[2 * i + 1]!;
    let ax = 0;
    let ay = 0;
    const end = rowStart[i + 1]!;
    for (let e = rowStart[i]!; e < end; e++) {
      const j = columns[e]!;
      const dx = xi - Y[2 * j]!;
      const dy = yi - Y[2 * j + 1]!;
      const w = values[e]! / (1 + dx * dx + dy * dy);
      const fx = w * dx;
      const fy = w * dy;
      ax += fx;
      ay += fy;
      out[2 * j] = out[2 * j]! - fx;
      out[2 * j + 1] = out[2 * j + 1]! - fy;
    }
    out[2 * i] = out[2 * i]! + ax;
    out[2 * i + 1] = out[2 * i + 1]! + ay;
  }
}

/** Writes the attractive forces of layout Y (n x 2) into `out` (n x 2), as `attractiveForces` does. */
export type Attraction = (Y: Float64Array, out: Float64Array) => void;

/**
 * `attractiveForces` over a fixed upper triangle, by the WebAssembly SIMD kernel when `simd` and it runs here
 * (P copied into its memory once; the same sums in the same order, so the same bits), else the JS loop.
 * Measured at n = 5,000 (425k pairs): 2.0 ms a step against 4.4-6.1 ms.
 */
export function makeAttraction(upper: SparseAffinities, simd = true): Attraction {
  const { n, rowStart, columns, values } = upper;
  const [starts, cols, vals, y, forces, total] = layoutRegions([4 * (n + 1), 4 * columns.length, 8 * values.length, 16 * n, 16 * n]);
  const kernels = simd ? makeSimdKernels(total!) : null;
  if (kernels === null) {
    return (Y, out) => attractiveForces(upper, Y, out);
  }
  const { buffer } = kernels.memory;
  new Int32Array(buffer, starts!, n + 1).set(rowStart);
  new Int32Array(buffer, cols!, columns.length).set(columns);
  new Float64Array(buffer, vals!, values.length).set(values);
  const layout = new Float64Array(buffer, y!, 2 * n);
  const result = new Float64Array(buffer, forces!, 2 * n);
  return (Y, out) => {
    layout.set(Y);
    kernels.attraction(n, starts!, cols!, vals!, y!, forces!);
    out.set(result);
  };
}
