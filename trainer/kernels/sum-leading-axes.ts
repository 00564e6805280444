// Sum for the wasm backend that routes reductions over leading axes (the conv and dense bias
// gradients) through XNNPACK average pooling; the backend's own Sum transposes first, which took
// 20 ms for [64,32,32,32] over axes 0-2 against 1.5 ms this way. Other reductions are unchanged.
import { Sum, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ensureKernelSetUp, makeWasmKernelRunner } from './wasm-kernel-runner.ts';

interface SumArgs {
  inputs: { x?: TensorInfo };
  attrs: { axis: number | number[]; keepDims: boolean };
  backend: BackendWasm;
}

// Below this many rows the pooling setup costs more than the backend's transpose-and-sum.
const minPooledRows = 64;
// Above this width XNNPACK's average pool read out of bounds (measured: [101, 16384] crashed with
// "memory access out of bounds", [101, 8192] was right), so wider sums keep the backend's own path.
const maxPooledWidth = 8192;

/** Number of leading axes `axis` reduces, or 0 when it is not a proper leading prefix. */
function leadingAxesCount(shape: readonly number[], axis: number | number[]): number {
  const axes = util.parseAxisParam(axis, [...shape]).sort((a, b) => a - b);
  const isPrefix = axes.every((a, i) => a === i);
  return isPrefix && axes.length < shape.length ? axes.length : 0;
}

/**
 * Sums x viewed as [rows, width] over its rows: one average pool with a [rows, 1] window over
 * x viewed as a [1, rows, 1, width] image, then a rescale by `rows` (within float32 rounding of
 * a direct sum).
 */
function sumRows(backend: BackendWasm, x: TensorInfo, rows: number, width: number, outShape: number[]): TensorInfo {
  const runner = makeWasmKernelRunner(backend);
  const image = runner.run('Reshape', { x }, { shape: [1, rows, 1, width] });
  const mean = runner.run('AvgPool', { x: image }, { filterSize: [rows, 1], strides: 1, pad: 'valid' });
  const out = backend.makeOutput(outShape, 'float32');
  // Views after makeOutput, which may grow (and so detach) the heap.
  const target = backend.typedArrayFromHeap(out) as Float32Array;
  const source = backend.typedArrayFromHeap(mean) as Float32Array;
  for (let j = 0; j < width; j++) {
    target[j] = source[j]! * rows;
  }
  runner.disposeIntermediates(out);
  return out;
}

/** Wraps the backend's original Sum so large leading-axis float32 reductions take the fast path. */
export function makeSumConfig(original: KernelConfig): KernelConfig {
  const sum = (args: SumArgs): TensorInfo => {
    const { inputs, attrs, backend } = args;
    const { x } = inputs;
    if (x === undefined) {
      throw new Error('Sum on wasm needs input x.');
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
    return sumRows(backend, x, rows, width, outShape);
  };
  return { kernelName: Sum, backendName: 'wasm', kernelFunc: sum as unknown as KernelFunc };
}
