// BatchMatMul for the wasm backend that keeps dense-layer gradients on XNNPACK: the backend's
// kernel only uses XNNPACK without transposes and with batch 1, and otherwise runs a scalar loop
// (37 ms for the fc6 weight gradient). Transposing an operand first is far cheaper.
import { BatchMatMul, broadcast_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { makeWasmKernelRunner, type WasmKernelRunner } from './wasm-kernel-runner.ts';

interface BatchMatMulArgs {
  inputs: { a?: TensorInfo; b?: TensorInfo };
  attrs: { transposeA: boolean; transposeB: boolean };
  backend: BackendWasm;
}

function matrix(runner: WasmKernelRunner, t: TensorInfo, rows: number, cols: number, transposed: boolean): TensorInfo {
  const flat = runner.run('Reshape', { x: t }, { shape: transposed ? [cols, rows] : [rows, cols] });
  return transposed ? runner.run('Transpose', { x: flat }, { perm: [1, 0] }) : flat;
}

/**
 * C = op(a)·op(b) for single matrices (leading axes of size 1) of shape [M,K]·[K,N]. XNNPACK packs
 * the right operand on every call (our weights change every step), so when that is the larger
 * one we compute C^T = op(b)^T·op(a)^T instead and transpose the small result: for the fc6 input
 * gradient that packs 16K values instead of 262K.
 */
function matMul2d(runner: WasmKernelRunner, original: KernelConfig, args: BatchMatMulArgs, m: number, k: number, n: number) {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = args.attrs;
  const noTranspose = { transposeA: false, transposeB: false };
  // Element counts moved by transposes plus those packed by XNNPACK, for each orientation.
  const directCost = (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + k * n;
  const swappedCost = (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + k * m + m * n;
  if (directCost <= swappedCost) {
    const left = matrix(runner, a, m, k, transposeA);
    const right = matrix(runner, b, k, n, transposeB);
    return runner.runConfig(original, { a: left, b: right }, noTranspose);
  }
  const left = matrix(runner, b, n, k, !transposeB);
  const right = matrix(runner, a, k, m, !transposeA);
  const product = runner.runConfig(original, { a: left, b: right }, noTranspose);
  const flat = runner.run('Reshape', { x: product }, { shape: [n, m] });
  return runner.run('Transpose', { x: flat }, { perm: [1, 0] });
}

/** Wraps the backend's original BatchMatMul; shapes it cannot speed up go to it unchanged. */
export function makeBatchMatMulConfig(original: KernelConfig): KernelConfig {
  const batchMatMul = (args: BatchMatMulArgs): TensorInfo => {
    const { inputs, attrs, backend } = args;
    const { a, b } = inputs;
    if (a === undefined || b === undefined) {
      throw new Error('BatchMatMul on wasm needs inputs a and b.');
    }
    const { transposeA, transposeB } = attrs;
    const runner = makeWasmKernelRunner(backend);
    const aRank = a.shape.length;
    const bRank = b.shape.length;
    const aBatch = util.sizeFromShape(a.shape.slice(0, -2));
    const bBatch = util.sizeFromShape(b.shape.slice(0, -2));
    const m = a.shape[transposeA ? aRank - 1 : aRank - 2] ?? 0;
    const k = a.shape[transposeA ? aRank - 2 : aRank - 1] ?? 0;
    const n = b.shape[transposeB ? bRank - 2 : bRank - 1] ?? 0;
    const kOfB = b.shape[transposeB ? bRank - 1 : bRank - 2] ?? 0;
    // XNNPACK's fully-connected op treats b as shared weights, so b must be one matrix; a's batch
    // folds into rows only when a is not transposed.
    const supported = a.dtype === 'float32' && b.dtype === 'float32' && aRank >= 2 && bRank >= 2 && k === kOfB && bBatch === 1;
    let out: TensorInfo;
    const outer = () => broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    if (supported && aBatch === 1 && (transposeA || transposeB)) {
      const product = matMul2d(runner, original, args, m, k, n);
      out = runner.run('Reshape', { x: product }, { shape: [...outer(), m, n] });
    } else if (supported && aBatch > 1 && !transposeA) {
      const rows = runner.run('Reshape', { x: a }, { shape: [1, aBatch * m, k] });
      const right = matrix(runner, b, k, n, transposeB);
      const product = runner.runConfig(original, { a: rows, b: right }, { transposeA: false, transposeB: false });
      out = runner.run('Reshape', { x: product }, { shape: [...outer(), m, n] });
    } else {
      // Batched b, mismatched shapes (the original reports them) and plain 2-D products.
      out = runner.runConfig(original, { a, b }, { transposeA, transposeB });
    }
    runner.disposeIntermediates(out);
    return out;
  };
  return { kernelName: BatchMatMul, backendName: 'wasm', kernelFunc: batchMatMul as unknown as KernelFunc };
}
