// Paper §5.3, Figure 3B: the important weights between layer i and layer i+1 for class c — the
// connections the target instances of c activate most often.
import { TransferscopeError } from '../core/errors.ts';
import { defaultK, selectRows, type InstanceMatrix } from './network-matrix.ts';
import { topK, topKUnordered } from './network-top-k.ts';

/**
 * The weights between two layers, in tfjs layout, with what the activations matrix must hold:
 * - dense: kernel [inputs, outputs]; activations of layer i's units (instances x inputs).
 * - conv: kernel [kernelHeight, kernelWidth, inputs, outputs]; one activation per channel of layer i
 *   (instances x inputs, e.g. `layerActivations`' pooled maps; pooling layers between keep channels).
 * - flatten (conv5 -> fc6): kernel [positions * channels, outputs] over the NHWC flatten of the pooled
 *   conv5 map, so unit u belongs to channel u % channels; activations are the flatten output (instances x units).
 */
export type WeightBoundary =
  | { kind: 'dense'; kernel: ArrayLike<number>; inputs: number; outputs: number }
  | { kind: 'conv'; kernel: ArrayLike<number>; kernelHeight: number; kernelWidth: number; inputs: number; outputs: number }
  | { kind: 'flatten'; kernel: ArrayLike<number>; channels: number; outputs: number };

/** 'signed' (default): a weight is activated by the signal it adds to n2; 'magnitude': by |a * w|. */
export type ActivationLevel = 'signed' | 'magnitude';

export interface ImportantWeightsOptions {
  /** The target instances of class c (rows of the activations); default all. */
  rows?: ArrayLike<number>;
  /** Weights kept per instance and in the end; default 1% of the (n1, n2) pairs, at least 1. */
  k?: number;
  level?: ActivationLevel;
}

/** Important weights n1 -> n2, most important first; n1 is a channel for conv and flatten boundaries. */
export interface ImportantWeights {
  from: Int32Array;
  to: Int32Array;
  /** Instances whose top k contained the weight. */
  count: Int32Array;
  /** Every weight's activated level averaged over the selected instances, entry n1 * outputs + n2 (zeros without instances). */
  meanLevels: Float64Array;
  /** Neurons of layer i (channels for conv5 at the flatten boundary) and of layer i+1. */
  inputs: number;
  outputs: number;
}

/** Neurons on each side of the boundary. */
export function boundaryNeurons(boundary: WeightBoundary): { inputs: number; outputs: number; activationWidth: number } {
  if (boundary.kind === 'flatten') {
    const units = boundary.kernel.length / boundary.outputs;
    return { inputs: boundary.channels, outputs: boundary.outputs, activationWidth: units };
  }
  return { inputs: boundary.inputs, outputs: boundary.outputs, activationWidth: boundary.inputs };
}

/**
 * One instance's activated level of every weight, (inputs x outputs) row-major, entry n1 * outputs + n2:
 * the part of n2's pre-activation that flows through n1, a_n1 * W[n1, n2]. For a convolution the kernel
 * is summed over its positions (sum_kh,kw W[kh, kw, n1, n2] * a_n1), since the channel activation stands
 * for the whole map; at the flatten boundary a channel's units are summed exactly (sum_u a_u W[u, n2]).
 */
export function activatedLevels(boundary: WeightBoundary, activation: ArrayLike<number>, level: ActivationLevel = 'signed'): Float64Array {
  return levelsWith(prepare(boundary), activation, 0, level);
}

/**
 * For each selected instance, marks its k most activated weights; counts the marks over the instances
 * and keeps the k weights marked most often (ties: higher summed level, then lower n1, n2). Weights no
 * instance marked are never returned; no instances give empty arrays.
 */
export function importantWeights(boundary: WeightBoundary, activations: InstanceMatrix, options: ImportantWeightsOptions = {}): ImportantWeights {
  const prepared = prepare(boundary);
  const { inputs, outputs, activationWidth } = boundaryNeurons(boundary);
  if (activations.neurons !== activationWidth) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `importantWeights: a ${boundary.kind} boundary needs ${activationWidth} activations per instance (got ${activations.neurons}).`,
    );
  }
  const rows = selectRows(activations, options.rows, 'importantWeights');
  const pairs = inputs * outputs;
  const k = options.k ?? defaultK(pairs, 0.01);
  const counts = new Int32Array(pairs);
  const summedLevels = new Float64Array(pairs);
  const meanLevels = new Float64Array(pairs);
  const scratch = new Float64Array(pairs);
  for (const r of rows) {
    const levels = levelsWith(prepared, activations.values, r * activationWidth, options.level ?? 'signed');
    for (let pair = 0; pair < pairs; pair++) {
      meanLevels[pair]! += levels[pair]! / rows.length;
    }
    // Only membership counts here, so the unordered selection (same set as topK) will do.
    for (const pair of topKUnordered(levels, k, scratch)) {
      counts[pair]! += 1;
      summedLevels[pair]! += levels[pair]!;
    }
  }
  const kept = rows.length === 0 ? [] : Array.from(topK(counts, k, summedLevels)).filter((pair) => counts[pair]! > 0);
  return {
    from: Int32Array.from(kept, (pair) => Math.floor(pair / outputs)),
    to: Int32Array.from(kept, (pair) => pair % outputs),
    count: Int32Array.from(kept, (pair) => counts[pair]!),
    meanLevels,
    inputs,
    outputs,
  };
}

interface PreparedBoundary {
  /** Dense-equivalent kernel [width, outputs] and, per activation unit, the neuron of layer i it belongs to. */
  kernel: ArrayLike<number>;
  owner: (unit: number) => number;
  width: number;
  inputs: number;
  outputs: number;
}

function prepare(boundary: WeightBoundary): PreparedBoundary {
  const { inputs, outputs, activationWidth } = boundaryNeurons(boundary);
  const expected = boundary.kind === 'conv' ? boundary.kernelHeight * boundary.kernelWidth * inputs * outputs : activationWidth * outputs;
  if (boundary.kernel.length !== expected || !Number.isInteger(activationWidth)) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `importantWeights: a ${boundary.kind} kernel for ${inputs} -> ${outputs} neurons has ${expected} weights (got ${boundary.kernel.length}). Pass the kernel in tfjs layout.`,
    );
  }
  if (boundary.kind === 'conv') {
    const summed = new Float64Array(inputs * outputs);
    for (let p = 0; p < boundary.kernelHeight * boundary.kernelWidth; p++) {
      for (let j = 0; j < inputs * outputs; j++) {
        summed[j]! += boundary.kernel[p * inputs * outputs + j]!;
      }
    }
    return { kernel: summed, owner: (u) => u, width: inputs, inputs, outputs };
  }
  const owner = boundary.kind === 'flatten' ? (u: number) => u % boundary.channels : (u: number) => u;
  return { kernel: boundary.kernel, owner, width: activationWidth, inputs, outputs };
}

function levelsWith(prepared: PreparedBoundary, activations: ArrayLike<number>, offset: number, level: ActivationLevel): Float64Array {
  const { kernel, owner, width, inputs, outputs } = prepared;
  const levels = new Float64Array(inputs * outputs);
  for (let u = 0; u < width; u++) {
    const a = activations[offset + u]!;
    if (a === 0) {
      continue;
    }
    const base = owner(u) * outputs;
    for (let n2 = 0; n2 < outputs; n2++) {
      levels[base + n2]! += a * kernel[u * outputs + n2]!;
    }
  }
  if (level === 'magnitude') {
    levels.forEach((v, j) => (levels[j] = Math.abs(v)));
  }
  return levels;
}
