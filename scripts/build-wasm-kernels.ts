// Compiles the WebAssembly SIMD kernels (lib/wasm/*.wat) into committed TypeScript modules holding their
// bytes as base64, so the service needs no WebAssembly toolchain at run time. `npm run build:kernels`; a test
// checks each committed module against its .wat.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import wabtInit from 'wabt';

export interface KernelModule {
  /** The source, in lib/wasm. */
  wat: string;
  /** The generated module beside it, and the name of its one export. */
  module: string;
  constant: string;
}

/** t-SNE, neighbour search and PCA kernels; the linear SVM's row passes; conductance's Stieltjes sums. */
export const KERNEL_MODULES: readonly KernelModule[] = [
  { wat: 'simd-kernels.wat', module: 'simd-kernels-wasm.ts', constant: 'SIMD_KERNELS_BASE64' },
  { wat: 'svm-kernels.wat', module: 'svm-kernels-wasm.ts', constant: 'SVM_KERNELS_WASM_BASE64' },
  { wat: 'stieltjes-kernels.wat', module: 'stieltjes-kernels-wasm.ts', constant: 'STIELTJES_KERNELS_BASE64' },
];

const inWasmLib = (file: string): string => fileURLToPath(new URL(`../lib/wasm/${file}`, import.meta.url));

/** The module's bytes, from the .wat (SIMD enabled, no debug names, so the bytes depend on the text only). */
export async function compileKernels(kernel: KernelModule): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat(kernel.wat, await readFile(inWasmLib(kernel.wat), 'utf8'), { simd: true });
  try {
    parsed.validate();
    return Uint8Array.from(parsed.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    parsed.destroy();
  }
}

/** The generated module's text for these bytes. */
export function kernelModuleText(kernel: KernelModule, bytes: Uint8Array): string {
  const lines =
    Buffer.from(bytes)
      .toString('base64')
      .match(/.{1,100}/g) ?? [];
  return [
    `// Generated from ${kernel.wat} by scripts/build-wasm-kernels.ts (\`npm run build:kernels\`); do not edit.`,
    '// The WebAssembly SIMD module, as base64 (tests check it matches the .wat).',
    `export const ${kernel.constant} =`,
    ...lines.map((line, i) => `  '${line}'${i === lines.length - 1 ? ';' : ' +'}`),
    '',
  ].join('\n');
}

export function readCommittedModule(kernel: KernelModule): Promise<string> {
  return readFile(inWasmLib(kernel.module), 'utf8');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const kernel of KERNEL_MODULES) {
    const bytes = await compileKernels(kernel);
    await writeFile(inWasmLib(kernel.module), kernelModuleText(kernel, bytes));
    console.log(`wrote lib/wasm/${kernel.module} (${bytes.length} bytes of WebAssembly)`);
  }
}
