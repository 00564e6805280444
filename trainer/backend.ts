// Picks the fastest tfjs backend that loads here: native TensorFlow (GPU, then CPU), then WASM with our
// training kernels, then the plain JS CPU backend. The native packages are optional: on machines where
// their install script cannot download libtensorflow they are simply absent.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerWasmTrainingKernels } from './kernels/register-wasm-training-kernels.ts';

export type BackendChoice = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface SelectedBackend {
  /** What the run records: e.g. 'wasm (simd)', 'tensorflow (@tensorflow/tfjs-node-gpu)'. */
  name: string;
  tried: string[];
}

async function tryNative(pkg: string): Promise<boolean> {
  try {
    // A variable specifier keeps bundlers and tsc from requiring the optional package.
    await import(/* @vite-ignore */ pkg);
    return (await tf.setBackend('tensorflow')) && tf.getBackend() === 'tensorflow';
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmTrainingKernels();
    return (await tf.setBackend('wasm')) && tf.getBackend() === 'wasm';
  } catch {
    return false;
  }
}

/** Selects and initialises a backend; `choice` other than 'auto' forces one and fails if it cannot load. */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<SelectedBackend> {
  const tried: string[] = [];
  const attempts: [BackendChoice, () => Promise<boolean>, () => string][] = [
    ['tensorflow-gpu', () => tryNative('@tensorflow/tfjs-node-gpu'), () => 'tensorflow (@tensorflow/tfjs-node-gpu)'],
    ['tensorflow', () => tryNative('@tensorflow/tfjs-node'), () => 'tensorflow (@tensorflow/tfjs-node)'],
    ['wasm', tryWasm, () => `wasm (${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'simd' : 'no simd'})`],
    ['cpu', async () => (await tf.setBackend('cpu')) && tf.getBackend() === 'cpu', () => 'cpu'],
  ];
  for (const [name, attempt, describe] of attempts) {
    if (choice !== 'auto' && choice !== name) {
      continue;
    }
    tried.push(name);
    if (await attempt()) {
      await tf.ready();
      return { name: describe(), tried };
    }
  }
  throw new Error(`Backend '${choice}' could not be loaded (tried ${tried.join(', ')}). Use --backend auto to fall back automatically.`);
}
