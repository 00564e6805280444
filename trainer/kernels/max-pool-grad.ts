// MaxPoolGrad for the wasm backend as one JS pass over the wasm heap. The backend's own kernel is
// slow (87 ms for conv1's [64,32,32,32] 2x2 pool; this ~20 ms) and wrong: it seeds its running max
// with FLT_MIN, so all-negative windows send the gradient to their first element, and it keeps the
// last of equal values where cpu keeps the first.
import { backend_util, MaxPoolGrad, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface MaxPoolGradArgs {
  inputs: { dy?: TensorInfo; input?: TensorInfo; output?: TensorInfo };
  attrs: {
    filterSize: [number, number] | number;
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  backend: BackendWasm;
}

/**
 * dx[argmax of each window] += dy[window]. The argmax is the first strictly greatest value in
 * row-major window order, as in the cpu backend, so ties (common after relu: all-zero windows)
 * send the gradient to the same element on both backends. Windows with no value above -Infinity
 * (all -Infinity or NaN) pass no gradient, also as on cpu.
 */
/** The 2x2 window case unrolled (about 2x faster in V8); same first-strict-max rule as below. */
function scatterFull2x2(x: Float32Array, dy: Float32Array, dx: Float32Array, firstAt: number, dyAt: number, rowStride: number, c: number): void {
  for (let d = 0; d < c; d++) {
    const at0 = firstAt + d;
    const at2 = at0 + rowStride;
    let bestAt = at0;
    let best = x[at0]!;
    if (!(best > -Infinity)) {
      best = -Infinity;
      bestAt = -1;
    }
    const v1 = x[at0 + c]!;
    if (v1 > best) {
      best = v1;
      bestAt = at0 + c;
    }
    const v2 = x[at2]!;
    if (v2 > best) {
      best = v2;
      bestAt = at2;
    }
    if (x[at2 + c]! > best) {
      bestAt = at2 + c;
    }
    if (bestAt >= 0) {
      dx[bestAt]! += dy[dyAt + d]!;
    }
  }
}

function scatterToWindowMax(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  info: backend_util.Conv2DInfo,
): void {
  const { outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  let dyAt = 0;
  for (let b = 0; b < n; b++) {
    const imageAt = b * h * w * c;
    for (let oy = 0; oy < outHeight; oy++) {
      const rowStart = oy * strideHeight - padInfo.top;
      const rowFrom = Math.max(0, rowStart);
      const rowEnd = Math.min(h, rowStart + filterHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const colStart = ox * strideWidth - padInfo.left;
        const colFrom = Math.max(0, colStart);
        const colEnd = Math.min(w, colStart + filterWidth);
        if (rowFrom >= rowEnd || colFrom >= colEnd) {
          // Explicit pads can leave a window with no input element: no gradient to route.
          dyAt += c;
          continue;
        }
        const firstAt = imageAt + (rowFrom * w + colFrom) * c;
        if (rowEnd - rowFrom === 2 && colEnd - colFrom === 2) {
          scatterFull2x2(x, dy, dx, firstAt, dyAt, w * c, c);
          dyAt += c;
          continue;
        }
        for (let d = 0; d < c; d++, dyAt++) {
          // Seeding with the window's first element (or -Infinity when it is NaN or -Infinity)
          // keeps cpu's "first strictly greater than -Infinity" rule without a per-window fill.
          let bestAt = firstAt + d;
          let best = x[bestAt]!;
          if (!(best > -Infinity)) {
            best = -Infinity;
            bestAt = -1;
          }
          for (let r = rowFrom; r < rowEnd; r++) {
            const rowAt = imageAt + r * w * c + d;
            for (let q = r === rowFrom ? colFrom + 1 : colFrom; q < colEnd; q++) {
              const at = rowAt + q * c;
              const v = x[at]!;
              if (v > best) {
                best = v;
                bestAt = at;
              }
            }
          }
          if (bestAt >= 0) {
            dx[bestAt]! += dy[dyAt]!;
          }
        }
      }
    }
  }
}

function maxPoolGrad(args: MaxPoolGradArgs): TensorInfo {
  const { inputs, attrs, backend } = args;
  const { dy, input } = inputs;
  if (dy === undefined || input === undefined) {
    throw new Error('MaxPoolGrad on wasm needs inputs dy and input.');
  }
  if (input.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`MaxPoolGrad on wasm expects float32 inputs (got ${input.dtype} and ${dy.dtype}).`);
  }
  const [n = 0, h = 0, w = 0, c = 0] = input.shape;
  const info = backend_util.computePool2DInfo([n, h, w, c], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== info.outShape[i])) {
    throw new Error(`MaxPoolGrad on wasm got dy of shape [${dy.shape.join(', ')}] but the pool outputs [${info.outShape.join(', ')}].`);
  }
  const dxInfo = backend.makeOutput(input.shape, 'float32');
  // Views are taken after makeOutput: allocating can grow the wasm memory and detach older views.
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const dyValues = backend.typedArrayFromHeap(dy) as Float32Array;
  const dx = backend.typedArrayFromHeap(dxInfo) as Float32Array;
  dx.fill(0);
  scatterToWindowMax(x, dyValues, dx, n, h, w, c, info);
  return dxInfo;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
