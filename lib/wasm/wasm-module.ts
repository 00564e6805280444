// Compiles a committed WebAssembly SIMD module (scripts/build-wasm-kernels.ts) once, on first use.

/**
 * A getter for the module in `base64`, compiled on the first call; null where WebAssembly SIMD is missing
 * (compiling fails), and callers then keep their plain loops.
 */
export function lazyWasmModule(base64: string): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}
