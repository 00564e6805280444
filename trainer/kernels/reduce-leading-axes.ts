// Sum and Mean for the wasm backend that route reductions over leading axes (bias gradients, batch
// norm moments, the mean's gradient) through XNNPACK average pooling; the backend's own kernels
// transpose first, which took 20 ms for [64,32,32,32] over axes 0-2 against 1.5 ms this way. Other
// reductions are unchanged.
import { Mean, Sum, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ensureKernelSetUp, makeWasmKernelRunner } from './wasm-kernel-runner.ts';

interface ReduceArgs {
  inputs: { x?: TensorInfo };
  attrs: { axis: number | number[]; keepDims: boolean };
  backend: BackendWasm;
}

// Below this many rows the pooling setup costs more than the backend's transpose-and-reduce.
const minPooledRows = 64;
// Above this width XNNPACK's average pool read out of bounds (measured: [101, 16384] crashed with
// "memory access out of bounds", [101, 8192] was right), so wider reductions keep the backend's own path.
const maxPooledWidth = 8192;

/** Number of leading axes `axis` reduces, or 0 when it is not a proper leading prefix. */
function leadingAxesCount(shape: readonly number[], axis: number | number[]): number {
  const axes = util.parseAxisParam(axis, [...shape]).sort((a, b) => a - b);
  const isPrefix = axes.every((a, i) => a === i);
  return isPrefix && axes.length < shape.length ? axes.length : 0;
}

/**
 * Averages x viewed as [rows, width] over its rows with one average pool of a [rows, 1] window
 * over x viewed as a [1, rows, 1, width] image, then multiplies by `scale` (1 for a mean, `rows`
 * for a sum: within float32 rounding of a direct sum).
 */
function poolRows(backend: BackendWasm, x: TensorInfo, rows: number, width: number, outShape: number[], scale: number): TensorInfo {
  const runner = makeWasmKernelRunner(backend);
  const image = runner.run('Reshape', { x }, { shape: [1, rows, 1, width] });
  const mean = runner.run('AvgPool', { x: image }, { filterSize: [rows, 1], strides: 1, pad: 'valid' });
  if (scale === 1) {
    const out = runner.run('Reshape', { x: mean }, { shape: outShape });
    runner.disposeIntermediates(out);
    return out;
  }
  const out = backend.makeOutput(outShape, 'float32');
  // Views after makeOutput, which may grow (and so detach) the heap.
  const target = backend.typedArrayFromHeap(out) as Float32Array;
  const source = backend.typedArrayFromHeap(mean) as Float32Array;
  for (let j = 0; j < width; j++) {
    target[j] = source[j]! * scale;
  }
  runner.disposeIntermediates(out);
  return out;
}

/** Wraps the backend's original Sum or Mean so large leading-axis float32 reductions take the fast path. */
function makeLeadingAxesConfig(kernelName: typeof Sum | typeof Mean, original: KernelConfig): KernelConfig {
  const reduce = (args: ReduceArgs): TensorInfo => {
    const { inputs, attrs, backend } = args;
    const { x } = inputs;
    if (x === undefined) {
      throw new Error(`${kernelName} on wasm needs input x.`);
    }
    const reduced = x.dtype === 'float32' ? leadingAxesCount(x.shape, attrs.axis) : 0;
    const rows = util.sizeFromShape(x.shape.slice(0, reduced));
    const width = util.sizeFromShape(x.shape.slice(reduced));
    if (reduced === 0 || rows < minPooledRows || width === 0 || width > maxPooledWidth) {
      ensureKernelSetUp(original, backend);
      return original.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    const kept = x.shape.slice(reduced);
    const outShape = attrs.keepDims ? [...x.shape.slice(0, reduced).map(() => 1), ...kept] : kept;
    return poolRows(backend, x, rows, width, outShape, kernelName === Sum ? rows : 1);
  };
  return { kernelName, backendName: 'wasm', kernelFunc: reduce as unknown as KernelFunc };
}

/** Sum wrapper: leading-axis float32 sums pooled, everything else to `original`. */
export function makeSumConfig(original: KernelConfig): KernelConfig {
  return makeLeadingAxesConfig(Sum, original);
}

/** Mean wrapper: leading-axis float32 means pooled, everything else to `original`. */
export function makeMeanConfig(original: KernelConfig): KernelConfig {
  return makeLeadingAxesConfig(Mean, original);
}
