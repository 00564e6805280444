// The WebAssembly SIMD kernels (simd-kernels.wat) behind a typed face: one instance per caller, each with its own
// memory, so a layout holding P in its memory and a neighbour search in between never share bytes.
import { SIMD_KERNELS_BASE64 } from './simd-kernels-wasm.ts';
import { lazyWasmModule } from './wasm-module.ts';

export interface SimdKernels {
  memory: WebAssembly.Memory;
  /** See simd-kernels.wat: all offsets are in bytes, into `memory`. */
  squaredDistances(x: number, d: number, i0: number, i1: number, j0: number, j1: number, out: number): void;
  dotProducts(a: number, b: number, len: number, i0: number, i1: number, j0: number, j1: number, out: number): void;
  attraction(n: number, rowStart: number, columns: number, values: number, y: number, out: number): void;
  barnesHut(
    n: number,
    px: number,
    py: number,
    comX: number,
    comY: number,
    side2: number,
    count: number,
    pointStart: number,
    firstChild: number,
    childCount: number,
    leaves: number,
    leafCount: number,
    open: number,
    stack: number,
    fx: number,
    fy: number,
  ): number;
}

const PAGE = 65536;

/** The compiled module, or null where WebAssembly SIMD is not available (then callers keep their JS loops). */
const simdModule = lazyWasmModule(SIMD_KERNELS_BASE64);

/** Whether the SIMD kernels can run here (Node >= 16.4 and current browsers can). */
export function simdAvailable(): boolean {
  return simdModule() !== null;
}

/**
 * A fresh instance whose memory holds at least `bytes` bytes, or null without SIMD support. Take every view on
 * `memory.buffer` after this call: the memory never grows again, so views stay valid for the instance's life.
 */
export function makeSimdKernels(bytes: number): SimdKernels | null {
  const module = simdModule();
  if (module === null) {
    return null;
  }
  const exports = new WebAssembly.Instance(module).exports as unknown as SimdKernels;
  const pages = Math.ceil(bytes / PAGE) - exports.memory.buffer.byteLength / PAGE;
  if (pages > 0) {
    exports.memory.grow(pages);
  }
  return exports;
}

/** Byte offsets for consecutive regions of the given sizes, each 16-byte aligned; the last entry is the total. */
export function layoutRegions(sizes: readonly number[]): number[] {
  const offsets = [0];
  for (const size of sizes) {
    offsets.push(offsets[offsets.length - 1]! + Math.ceil(size / 16) * 16);
  }
  return offsets;
}
