// Validates the attrs of the conv backprop kernels and derives the forward convolution's geometry,
// so both backward kernels reject what they cannot compute instead of returning wrong numbers.
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';

type Shape4D = [number, number, number, number];

/** The attrs shared by Conv2DBackpropFilter and Conv2DBackpropInput. */
export interface ConvBackpropAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: [number, number] | number;
}

/** Leading and trailing amounts per axis; a negative amount crops instead of padding. */
export type PadOrCrop = [number, number];

export interface ForwardConvGeometry {
  info: backend_util.Conv2DInfo;
  /** Rows/cols of x read by the forward conv beyond its end (negative: trailing rows never read). */
  bottomExtent: number;
  rightExtent: number;
}

function asShape4D(shape: readonly number[], what: string, kernelName: string): Shape4D {
  const [a, b, c, d] = shape;
  if (shape.length !== 4 || a === undefined || b === undefined || c === undefined || d === undefined) {
    throw new Error(`${kernelName} on wasm expects a rank-4 ${what} (got shape [${shape.join(', ')}]).`);
  }
  return [a, b, c, d];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Computes the forward conv geometry for a backprop kernel after rejecting unsupported attrs
 * (NCHW, dilations other than 1, non-float32 inputs, a dy whose shape the forward conv cannot produce).
 * `xShape` and `filterShape` are the forward conv's NHWC input and [KH, KW, Cin, Cout] filter shapes,
 * or [KH, KW, C, multiplier] for a depthwise conv (`depthwise` true: output channels C * multiplier).
 */
export function forwardConvGeometry(
  kernelName: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  dy: TensorInfo,
  others: TensorInfo[],
  attrs: ConvBackpropAttrs,
  depthwise = false,
): ForwardConvGeometry {
  if (attrs.dataFormat !== 'NHWC') {
    throw new Error(`${kernelName} on wasm supports dataFormat 'NHWC' only (got '${String(attrs.dataFormat)}'). ` + `Use channelsLast layers.`);
  }
  const dilations = attrs.dilations ?? 1;
  const dilationList = Array.isArray(dilations) ? dilations : [dilations, dilations];
  if (dilationList.some((d) => d !== 1)) {
    throw new Error(`${kernelName} on wasm supports dilations of 1 only (got [${dilationList.join(', ')}]).`);
  }
  for (const t of [dy, ...others]) {
    if (t.dtype !== 'float32') {
      throw new Error(`${kernelName} on wasm expects float32 inputs (got ${t.dtype}).`);
    }
  }
  const info = backend_util.computeConv2DInfo(
    asShape4D(xShape, 'input', kernelName),
    asShape4D(filterShape, 'filter', kernelName),
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  if (!sameShape(dy.shape, info.outShape)) {
    throw new Error(
      `${kernelName} on wasm got dy of shape [${dy.shape.join(', ')}] but the forward conv outputs ` +
        `[${info.outShape.join(', ')}]. Make sure strides and pad match the forward conv.`,
    );
  }
  const { outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  return {
    info,
    bottomExtent: (outHeight - 1) * strideHeight + filterHeight - padInfo.top - info.inHeight,
    rightExtent: (outWidth - 1) * strideWidth + filterWidth - padInfo.left - info.inWidth,
  };
}

/** Splits per-axis pad/crop amounts into the Slice attrs for the crops and the pads left over. */
export function splitPadOrCrop(
  shape: readonly number[],
  amounts: readonly PadOrCrop[],
): { begin: number[]; size: number[]; pads: PadOrCrop[]; needsCrop: boolean } {
  const begin = amounts.map(([before]) => Math.max(0, -before));
  const size = shape.map((dim, axis) => {
    const [before, after] = amounts[axis] ?? [0, 0];
    return dim - Math.max(0, -before) - Math.max(0, -after);
  });
  const pads = amounts.map(([before, after]): PadOrCrop => [Math.max(0, before), Math.max(0, after)]);
  return { begin, size, pads, needsCrop: amounts.some(([b, a]) => b < 0 || a < 0) };
}
