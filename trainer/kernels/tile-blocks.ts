// Tile for the wasm backend as block copies on the heap. The backend's own kernel computes every
// output element's source index (~45 ms for [1,1,1,16] to [64,32,32,16]); the batch norm gradient
// tiles its 1/σ to the activations' shape once per layer, which made Tile 1/3 of a ResNet-20 step.
import { Tile, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface TileArgs {
  inputs: { x?: TensorInfo };
  attrs: { reps: number[] };
  backend: BackendWasm;
}

type HeapArray = ReturnType<BackendWasm['typedArrayFromHeap']>;

// Rows shorter than this are copied element by element: a subarray + set + copyWithin costs more.
const minBlockCopy = 64;

/**
 * Merges axis k+1 into axis k wherever axis k+1 is not repeated (its values are then contiguous
 * in both input and output) and drops axes of size 1 repeated once, so a tile of [1,1,1,C] by
 * [N,H,W,1] becomes one copy of C values repeated N·H·W times.
 */
export function simplifyTile(shape: readonly number[], reps: readonly number[]): { shape: number[]; reps: number[] } {
  const merged: { shape: number[]; reps: number[] } = { shape: [], reps: [] };
  shape.forEach((size, axis) => {
    const rep = reps[axis] ?? 1;
    const last = merged.shape.length - 1;
    if (size === 1 && rep === 1) {
      return;
    }
    if (last >= 0 && rep === 1) {
      merged.shape[last]! *= size;
    } else {
      merged.shape.push(size);
      merged.reps.push(rep);
    }
  });
  return merged.shape.length > 0 ? merged : { shape: [1], reps: [1] };
}

/** Copies the first `block` values at `at` until `block·times` values are filled (doubling copies). */
function repeatBlock(target: HeapArray, at: number, block: number, times: number): void {
  const total = block * times;
  for (let written = block; written < total;) {
    const count = Math.min(written, total - written);
    target.copyWithin(at + written, at, at + count);
    written += count;
  }
}

/** Writes the tile of `source`'s block at `inAt` (axes `axis`.. of `shape`) into `target` at `outAt`. */
function tileAxis(
  source: HeapArray,
  target: HeapArray,
  shape: number[],
  reps: number[],
  outStrides: number[],
  axis: number,
  inAt: number,
  outAt: number,
  inStrides: number[],
): void {
  const size = shape[axis]!;
  const rep = reps[axis]!;
  if (axis === shape.length - 1) {
    if (size * rep < minBlockCopy) {
      for (let r = 0, o = outAt; r < rep; r++) {
        for (let k = 0; k < size; k++, o++) {
          target[o] = source[inAt + k]!;
        }
      }
      return;
    }
    target.set(source.subarray(inAt, inAt + size), outAt);
    repeatBlock(target, outAt, size, rep);
    return;
  }
  for (let i = 0; i < size; i++) {
    tileAxis(source, target, shape, reps, outStrides, axis + 1, inAt + i * inStrides[axis]!, outAt + i * outStrides[axis]!, inStrides);
  }
  repeatBlock(target, outAt, size * outStrides[axis]!, rep);
}

/** Repeats x `reps[k]` times along each axis k, as tf.tile; any dtype the wasm heap holds. */
function tileBlocks(args: TileArgs): TensorInfo {
  const { inputs, attrs, backend } = args;
  const { x } = inputs;
  if (x === undefined) {
    throw new Error('Tile on wasm needs input x.');
  }
  if (attrs.reps.length !== x.shape.length) {
    throw new Error(`Tile on wasm needs one repetition count per axis (got ${attrs.reps.length} for rank ${x.shape.length}).`);
  }
  const outShape = x.shape.map((size, axis) => size * attrs.reps[axis]!);
  const out = backend.makeOutput(outShape, x.dtype);
  if (util.sizeFromShape(outShape) === 0) {
    return out;
  }
  const { shape, reps } = simplifyTile(x.shape, attrs.reps);
  const inStrides = util.computeStrides(shape).concat(1);
  const outStrides = util.computeStrides(shape.map((size, axis) => size * reps[axis]!)).concat(1);
  // Views after makeOutput, which may grow (and so detach) the heap.
  tileAxis(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), shape, reps, outStrides, 0, 0, 0, inStrides);
  return out;
}

export const tileBlocksConfig: KernelConfig = {
  kernelName: Tile,
  backendName: 'wasm',
  kernelFunc: tileBlocks as unknown as KernelFunc,
};
