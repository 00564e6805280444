// Compiles monitor/analytics/svm-kernels.wat into svm-kernels-wasm.ts (the bytes as base64), so the
// service needs no WebAssembly toolchain at run time. `npm run build:kernels`; a test checks the two agree.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import wabtInit from 'wabt';

const WAT = fileURLToPath(new URL('../monitor/analytics/svm-kernels.wat', import.meta.url));
const MODULE = fileURLToPath(new URL('../monitor/analytics/svm-kernels-wasm.ts', import.meta.url));

/** The module's bytes, from the .wat (SIMD enabled, no debug names, so the bytes depend on the text only). */
export async function compileSvmKernels(): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat('svm-kernels.wat', await readFile(WAT, 'utf8'), { simd: true });
  try {
    parsed.validate();
    return Uint8Array.from(parsed.toBinary({ write_debug_names: false }).buffer);
  } finally {
    parsed.destroy();
  }
}

/** The generated module's text for these bytes. */
export function svmKernelsModuleText(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes).toString('base64');
  const lines = base64.match(/.{1,100}/g) ?? [];
  return [
    '// Generated from svm-kernels.wat by scripts/build-svm-kernels.ts (`npm run build:kernels`); do not edit.',
    '// The WebAssembly SIMD module of svm-kernels.ts, as base64.',
    'export const SVM_KERNELS_WASM_BASE64 =',
    ...lines.map((line, i) => `  '${line}'${i === lines.length - 1 ? ';' : ' +'}`),
    '',
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bytes = await compileSvmKernels();
  await writeFile(MODULE, svmKernelsModuleText(bytes));
  console.log(`wrote ${MODULE} (${bytes.length} bytes of WebAssembly)`);
}
