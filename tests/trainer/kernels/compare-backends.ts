// Test helpers that run the same tensor computation on the cpu and wasm backends and compare them.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-layers registers the gradient functions that tf.grad needs; tfjs-core alone has none.
import '@tensorflow/tfjs-layers';
import { registerWasmTrainingKernels } from '../../../trainer/kernels/register-wasm-training-kernels.ts';

export type BackendName = 'cpu' | 'wasm';

/** Registers our kernels and initialises both backends once. */
export async function prepareBackends(): Promise<void> {
  registerWasmTrainingKernels();
  for (const name of ['cpu', 'wasm'] as const) {
    await tf.setBackend(name);
    await tf.ready();
  }
}

/** Deterministic values in [-1, 1) (a sine hash), so both backends see identical inputs. */
export function seededValues(length: number, seed: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => {
    const s = Math.sin((i + 1) * 12.9898 + seed * 78.233) * 43758.5453;
    return (s - Math.floor(s)) * 2 - 1;
  });
}

/** Data ids the active backend holds: catches intermediates a raw-backend kernel forgot to free. */
export function backendDataIds(): number {
  return tf.engine().backend.numDataIds();
}

/**
 * Runs `compute` (which builds its own tensors) on `backend` and returns every output's values.
 * Fails if engine tensors or backend data ids remain afterwards.
 */
export async function runOn(backend: BackendName, compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const tensorsBefore = tf.memory().numTensors;
  const idsBefore = backendDataIds();
  // tidy frees the inputs `compute` made; raw-backend leaks still show in the data id count.
  const outputs = tf.tidy(compute);
  const values = await Promise.all(outputs.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(outputs);
  const leakedTensors = tf.memory().numTensors - tensorsBefore;
  const leakedIds = backendDataIds() - idsBefore;
  if (leakedTensors !== 0 || leakedIds !== 0) {
    throw new Error(`${backend}: ${leakedTensors} tensors and ${leakedIds} backend data ids leaked.`);
  }
  return values;
}

/** max |expected - actual| divided by max(1, max |expected|); Infinity if lengths differ. */
export function relativeError(expected: Float32Array, actual: Float32Array): number {
  if (expected.length !== actual.length) {
    return Infinity;
  }
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (Number.isNaN(e) !== Number.isNaN(a)) {
      return Infinity;
    }
    if (!Number.isNaN(e)) {
      worst = Math.max(worst, e === a ? 0 : Math.abs(e - a));
      scale = Math.max(scale, Math.abs(e));
    }
  }
  return worst / scale;
}

/** Runs `compute` on cpu and on wasm and returns the worst relative error over its outputs. */
export async function wasmVsCpu(compute: () => tf.Tensor[]): Promise<number> {
  const expected = await runOn('cpu', compute);
  const actual = await runOn('wasm', compute);
  if (expected.length !== actual.length) {
    return Infinity;
  }
  return Math.max(...expected.map((e, i) => relativeError(e, actual[i]!)));
}
