// The weight map of one connection n1 -> n2 between layer i and layer i+1 (paper §5.3.3: clicking a weight
// shows it for the target and the source model), cut out of the kernel in tfjs layout.
import { TransferscopeError } from '../core/errors.ts';

export interface WeightSlice {
  kind: 'conv' | 'flatten' | 'dense';
  rows: number;
  cols: number;
  /** rows x cols, row-major. */
  values: Float32Array;
  /** Dense only: every weight into n2, in n1 order; empty otherwise. */
  incoming: Float32Array;
}

export interface WeightSliceInput {
  /** Layer i+1's kernel: [kh, kw, in, out] (conv) or [units, out] (dense, and fc6 over the flattened conv5 map). */
  kernel: ArrayLike<number>;
  kernelShape: readonly number[];
  /**
   * Channels of layer i when layer i+1 is dense over a flattened conv map (fc6 after conv5), which makes n1 a
   * channel whose weights are spread over the map's positions; omitted for dense -> dense.
   */
  flattenedChannels?: number;
  from: number;
  to: number;
}

/**
 * conv: the kh x kw kernel from channel n1 to channel n2. flatten: the weights from channel n1's positions to
 * unit n2 as an H x W map (the NHWC flatten puts unit (y * W + x) * channels + n1 there; a non-square map is
 * returned as one row). dense: the single weight, with every weight into n2 for context. Out-of-range ends throw.
 */
export function weightSlice(input: WeightSliceInput): WeightSlice {
  const { kernel, kernelShape, from, to } = input;
  if (kernelShape.length === 4) {
    const [kh, kw, inputs, outputs] = kernelShape as [number, number, number, number];
    checkEnds(from, inputs, to, outputs);
    const values = new Float32Array(kh * kw);
    for (let p = 0; p < kh * kw; p++) {
      values[p] = kernel[(p * inputs + from) * outputs + to]!;
    }
    return { kind: 'conv', rows: kh, cols: kw, values, incoming: new Float32Array(0) };
  }
  if (kernelShape.length !== 2) {
    throw new TransferscopeError('INVALID_ARGUMENT', `weightSlice needs a kernel of rank 2 or 4 (got shape [${kernelShape.join(', ')}]).`);
  }
  const [units, outputs] = kernelShape as [number, number];
  const channels = input.flattenedChannels;
  if (channels !== undefined) {
    const positions = units / channels;
    if (!Number.isInteger(positions)) {
      throw new TransferscopeError('INVALID_ARGUMENT', `weightSlice: ${units} flattened units are not a whole number of positions of ${channels} channels.`);
    }
    checkEnds(from, channels, to, outputs);
    const side = Math.round(Math.sqrt(positions));
    const square = side * side === positions;
    const values = Float32Array.from({ length: positions }, (_, p) => kernel[(p * channels + from) * outputs + to]!);
    return { kind: 'flatten', rows: square ? side : 1, cols: square ? side : positions, values, incoming: new Float32Array(0) };
  }
  checkEnds(from, units, to, outputs);
  const incoming = Float32Array.from({ length: units }, (_, n1) => kernel[n1 * outputs + to]!);
  return { kind: 'dense', rows: 1, cols: 1, values: Float32Array.of(incoming[from]!), incoming };
}

function checkEnds(from: number, inputs: number, to: number, outputs: number): void {
  if (!Number.isInteger(from) || from < 0 || from >= inputs || !Number.isInteger(to) || to < 0 || to >= outputs) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Weight ${from} -> ${to} does not exist: 'from' must be in [0, ${inputs}) and 'to' in [0, ${outputs}).`);
  }
}
