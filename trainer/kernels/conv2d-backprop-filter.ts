// Conv2DBackpropFilter for the wasm backend, which ships none: dW is computed as forward
// convolutions (XNNPACK) of x, viewed as one image, with dy as the filter, 8 output channels each.
import { Conv2DBackpropFilter, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { forwardConvGeometry, splitPadOrCrop, type ConvBackpropAttrs } from './conv-backprop-geometry.ts';
import { makeWasmKernelRunner, type WasmKernelRunner } from './wasm-kernel-runner.ts';

interface BackpropFilterArgs {
  inputs: { x?: TensorInfo; dy?: TensorInfo };
  attrs: ConvBackpropAttrs & { filterShape: [number, number, number, number] };
  backend: BackendWasm;
}

// The wasm Conv2D transposes its filter [K, Cout] -> [Cout, K] with a naive loop before XNNPACK
// packs it; with dy as the filter (K = OH*OW*N) that write-strided transpose dominated dW. Eight
// output channels per filter keep it cache-friendly and still fill XNNPACK's 8-wide SIMD tiles:
// measured 67 -> 46 ms (conv1) and 67 -> 56 ms (conv2) against one filter; 16 was in between.
const channelsPerGroup = 8;

/** Copies `width` channels per pixel of dy [N,P,Cout] from channel `first` into [P,N,width]. */
function gatherChannels(source: Float32Array, target: Float32Array, n: number, pixels: number, co: number, first: number, width: number): void {
  for (let b = 0; b < n; b++) {
    let from = b * pixels * co + first;
    let to = b * width;
    if (width === channelsPerGroup) {
      // Unrolled for the common group width: about 2x faster than the loop below in V8.
      for (let p = 0; p < pixels; p++, from += co, to += n * 8) {
        target[to] = source[from]!;
        target[to + 1] = source[from + 1]!;
        target[to + 2] = source[from + 2]!;
        target[to + 3] = source[from + 3]!;
        target[to + 4] = source[from + 4]!;
        target[to + 5] = source[from + 5]!;
        target[to + 6] = source[from + 6]!;
        target[to + 7] = source[from + 7]!;
      }
    } else {
      for (let p = 0; p < pixels; p++, from += co, to += n * width) {
        for (let j = 0; j < width; j++) {
          target[to + j] = source[from + j]!;
        }
      }
    }
  }
}

/**
 * dy [N,OH,OW,Cout] as one filter [OH,OW,N,width] per group of `width` output channels. A JS
 * gather: the backend's Transpose kernel took 18 ms for this permutation of conv1's dy, this 6 ms.
 */
function dyAsGroupedFilters(runner: WasmKernelRunner, backend: BackendWasm, dy: TensorInfo, width: number): TensorInfo[] {
  const [n = 0, oh = 0, ow = 0, co = 0] = dy.shape;
  const filters = Array.from({ length: co / width }, () => runner.adopt(backend.makeOutput([oh, ow, n, width], 'float32')));
  // Views after allocating: makeOutput can grow (and so detach) the heap.
  const source = backend.typedArrayFromHeap(dy) as Float32Array;
  filters.forEach((filter, g) => {
    gatherChannels(source, backend.typedArrayFromHeap(filter) as Float32Array, n, oh * ow, co, g * width, width);
  });
  return filters;
}

/**
 * dW[kh,kw,ci,co] = sum over n,oh,ow of x[n, oh*sh+kh-pt, ow*sw+kw-pl, ci] * dy[n,oh,ow,co].
 * Read x as a single image [1, H, W*Cin, N] (column w*Cin+ci, channels = batch) and dy as a
 * filter [OH, OW, N, Cout]. With dilations [sh, sw*Cin], output column kw*Cin+ci of that stride-1
 * convolution reads input columns (ow*sw+kw)*Cin+ci, so its [1, KH, KW*Cin, Cout] output is dW.
 * One image (rather than a batch of Cin images with KH*KW outputs each) keeps XNNPACK's row
 * tiles full: 46 -> 40 ms for conv2, 51 -> 41 ms for conv4 of the scaled AlexNet.
 */
function conv2dBackpropFilter(args: BackpropFilterArgs): TensorInfo {
  const { inputs, attrs, backend } = args;
  const { x, dy } = inputs;
  if (x === undefined || dy === undefined) {
    throw new Error('Conv2DBackpropFilter on wasm needs inputs x and dy.');
  }
  const { info, bottomExtent, rightExtent } = forwardConvGeometry(Conv2DBackpropFilter, x.shape, attrs.filterShape, dy, [x], attrs);
  const { padInfo, strideHeight, strideWidth, filterHeight, filterWidth, inChannels, outChannels } = info;
  const runner = makeWasmKernelRunner(backend);
  // Trailing rows/cols the forward conv never read are cropped; missing ones are zero-padded.
  const amounts: [number, number][] = [
    [0, 0],
    [padInfo.top, bottomExtent],
    [padInfo.left, rightExtent],
    [0, 0],
  ];
  const { begin, size, pads, needsCrop } = splitPadOrCrop(x.shape, amounts);
  const xUsed = needsCrop ? runner.run('Slice', { x }, { begin, size }) : x;
  const [n = 0, rows = 0, cols = 0] = xUsed.shape;
  // x as one image [1, H, W*Cin, N]: a 2-D transpose (the backend's fast case) of [N, H*W*Cin].
  const flat = runner.run('Reshape', { x: xUsed }, { shape: [n, rows * cols * inChannels] });
  const flatT = runner.run('Transpose', { x: flat }, { perm: [1, 0] });
  const merged = runner.run('Reshape', { x: flatT }, { shape: [1, rows, cols * inChannels, n] });
  const [top, bottom] = pads[1] ?? [0, 0];
  const [left, right] = pads[2] ?? [0, 0];
  const width = outChannels % channelsPerGroup === 0 ? channelsPerGroup : outChannels;
  const partials = dyAsGroupedFilters(runner, backend, dy, width).map((filter) =>
    runner.run(
      'Conv2D',
      { x: merged, filter },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [top, bottom],
          [left * inChannels, right * inChannels],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [strideHeight, strideWidth * inChannels],
      },
    ),
  );
  if (partials.length === 1 && partials[0] !== undefined) {
    const dw = runner.run('Reshape', { x: partials[0] }, { shape: info.filterShape });
    runner.disposeIntermediates(dw);
    return dw;
  }
  // Each partial is dW's [KH*KW*Cin, width] column block; dW is small (at most ~1M values).
  const dw = backend.makeOutput(info.filterShape, 'float32');
  const target = backend.typedArrayFromHeap(dw) as Float32Array;
  const positions = filterHeight * filterWidth * inChannels;
  partials.forEach((partial, g) => {
    const source = backend.typedArrayFromHeap(partial) as Float32Array;
    for (let at = 0, from = 0; at < positions; at++) {
      const to = at * outChannels + g * width;
      for (let j = 0; j < width; j++, from++) {
        target[to + j] = source[from]!;
      }
    }
  });
  runner.disposeIntermediates(dw);
  return dw;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
