// Conductance's per-instance Riemann-Stieltjes sums while an instance's path is open: one float64 map per layer,
// in JS, or on the wasm backend in its heap, summed there by a WebAssembly SIMD kernel reading the layer maps in place.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { stieltjesKernel, type StieltjesSum } from '../../lib/wasm/index.ts';

/** An instance's open maps: JS arrays, or byte addresses of maps in the wasm heap. */
export type InstanceMaps = Float64Array[] | number[];

/** The sums of every open instance for layers of the given widths (positions * neurons entries each). */
export interface StieltjesMaps {
  /** Zeroed maps for a new instance; call before the pass's tensors are made (it may grow the wasm heap). */
  open(): InstanceMaps;
  /**
   * Adds `steps` terms dF/dy(a_k) * (y(a_{k+1}) - y(a_k)), the points at rows `first`..`first + steps` of y and dy
   * (row-major, one layer's width a row), to the instance's map of `layer`.
   */
  add(maps: InstanceMaps, layer: number, y: Float32Array, dy: Float32Array, first: number, steps: number): void;
  /** The map of `layer`; on wasm a view of the heap, valid until a tensor is made. */
  read(maps: InstanceMaps, layer: number): Float64Array;
  close(maps: InstanceMaps): void;
  /** Frees every map still open (an error mid-run). */
  dispose(): void;
}

/**
 * Maps for layers of `widths` entries. On the wasm backend with WebAssembly SIMD, the maps live in its heap and the
 * kernel reads y and dy where the backend left them: the JS loop was 8-9% of AlexNet-32's conductance CPU time, the
 * kernel (two f64 lanes, unrolled to four entries) is ~3x faster. Both sum each entry's terms in the same order in
 * float64, so the results are identical.
 */
export function makeStieltjesMaps(widths: readonly number[]): StieltjesMaps {
  const heap = tf.getBackend() === 'wasm' ? heapKernel() : null;
  if (heap === null) {
    return {
      open: () => widths.map((w) => new Float64Array(w)),
      add: (maps, layer, y, dy, first, steps) => addStieltjesSum(maps[layer] as Float64Array, y, dy, first, steps),
      read: (maps, layer) => maps[layer] as Float64Array,
      close: () => undefined,
      dispose: () => undefined,
    };
  }
  const { wasm, memory, sum } = heap;
  const live = new Set<number>();
  return {
    open: () =>
      widths.map((w) => {
        const address = wasm._malloc(w * 8);
        if (address === 0) {
          throw new Error(`The wasm heap has no room for a ${w}-entry conductance map.`);
        }
        live.add(address);
        new Float64Array(memory.buffer, address, w).fill(0);
        return address;
      }),
    add: (maps, layer, y, dy, first, steps) => {
      const rowBytes = widths[layer]! * 4;
      if (y.buffer !== memory.buffer || dy.buffer !== memory.buffer) {
        throw new Error('Stieltjes sums on the wasm heap need y and dF/dy as views of the same heap.');
      }
      sum(maps[layer] as number, y.byteOffset + first * rowBytes, dy.byteOffset + first * rowBytes, widths[layer]!, steps);
    },
    read: (maps, layer) => new Float64Array(memory.buffer, maps[layer] as number, widths[layer]!),
    close: (maps) =>
      (maps as number[]).forEach((address) => {
        live.delete(address);
        wasm._free(address);
      }),
    dispose: () => {
      live.forEach((address) => wasm._free(address));
      live.clear();
    },
  };
}

/** What the wasm backend's Emscripten module exposes besides its typed exports: its allocator and its memory. */
interface EmscriptenHeap {
  _malloc(bytes: number): number;
  _free(address: number): void;
  HEAPU8: Uint8Array;
  asm?: { memory?: unknown };
}

/** The wasm backend's module, its memory and the kernel bound to it; null where the kernel cannot run. */
function heapKernel(): { wasm: EmscriptenHeap; memory: WebAssembly.Memory; sum: StieltjesSum } | null {
  const wasm = (tf.backend() as BackendWasm).wasm as unknown as EmscriptenHeap;
  // The module's own memory, which the heap views (HEAPU8, typedArrayFromHeap) are views of.
  const memory = wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || memory.buffer !== wasm.HEAPU8.buffer) {
    return null;
  }
  const sum = stieltjesKernel(memory);
  return sum === null ? null : { wasm, memory, sum };
}

/** Map entries per block of `addStieltjesSum`: its map, y and dy blocks stay in cache over all the segment's steps. */
const STIELTJES_BLOCK = 2048;

/**
 * The plain loop (other backends, and the kernel's reference): adds one path segment's `steps` terms, its points at
 * rows `first`..`first + steps`, to `map`. Block by block of the map, all steps per block: each entry sums its terms
 * in the same order as a row-by-row loop, but the map is read and written once per segment, not once per step.
 */
export function addStieltjesSum(map: Float64Array, y: Float32Array, dy: Float32Array, first: number, steps: number): void {
  const width = map.length;
  for (let start = 0; start < width; start += STIELTJES_BLOCK) {
    const end = Math.min(width, start + STIELTJES_BLOCK);
    for (let k = first; k < first + steps; k++) {
      const here = k * width;
      const next = here + width;
      for (let d = start; d < end; d++) {
        map[d]! += dy[here + d]! * (y[next + d]! - y[here + d]!);
      }
    }
  }
}
