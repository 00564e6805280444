// Every committed WebAssembly module is what its .wat compiles to: an edited .wat without `npm run build:kernels`
// (or a hand-edited module) fails here, not silently at run time.
import { describe, expect, it } from 'vitest';
import { compileKernels, KERNEL_MODULES, kernelModuleText, readCommittedModule } from '../../scripts/build-wasm-kernels.ts';

describe('committed WebAssembly kernels', () => {
  it.each(KERNEL_MODULES.map((kernel) => [kernel.wat, kernel] as const))('%s matches its committed module', async (_, kernel) => {
    const bytes = await compileKernels(kernel);
    expect(bytes.length).toBeGreaterThan(200);
    expect(await readCommittedModule(kernel)).toBe(kernelModuleText(kernel, bytes));
  });
});
