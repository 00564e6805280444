// Riemann-Stieltjes sums Σ_k g_k · (y_{k+1} − y_k) over consecutive rows of float32 matrices, in WebAssembly SIMD
// (stieltjes-kernels.wat) on a memory the caller owns, e.g. a tensor library's heap, so its matrices are not copied.
import { STIELTJES_KERNELS_BASE64 } from './stieltjes-kernels-wasm.ts';
import { lazyWasmModule } from './wasm-module.ts';

/**
 * `map[d] += Σ_{k < steps} g[k·width + d] · (y[(k+1)·width + d] − y[k·width + d])` for d < width: `map` is float64,
 * `y` (steps + 1 rows) and `g` (steps rows) are row-major float32; all three are byte addresses in the memory.
 * Equal bit for bit to the same sum in a plain float64 loop, each entry adding its terms in step order.
 */
export type StieltjesSum = (map: number, y: number, g: number, width: number, steps: number) => void;

// A runtime without WebAssembly SIMD gets null: callers keep their plain loops.
const kernelModule = lazyWasmModule(STIELTJES_KERNELS_BASE64);
const bound = new WeakMap<WebAssembly.Memory, StieltjesSum | null>();

/** The kernel working on `memory`, or null where WebAssembly SIMD is missing or the memory cannot be imported (shared). */
export function stieltjesKernel(memory: WebAssembly.Memory): StieltjesSum | null {
  if (!bound.has(memory)) {
    const module = kernelModule();
    let kernel: StieltjesSum | null = null;
    if (module !== null) {
      try {
        kernel = new WebAssembly.Instance(module, { env: { memory } }).exports.stieltjes as StieltjesSum;
      } catch {
        kernel = null;
      }
    }
    bound.set(memory, kernel);
  }
  return bound.get(memory) ?? null;
}
