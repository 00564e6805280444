// How far a model's weights moved from another's: per layer (relative L2 distance, the "how much did
// fine-tuning change each layer" number) and per neuron (cosine of its incoming weights).

/** One layer's parameters: a kernel whose last axis is the neuron (conv: [kh, kw, in, out]; dense: [in, out]). */
export interface LayerParameters {
  kernelShape: readonly number[];
  kernel: Float32Array;
  bias: Float32Array;
}

const sameShape = (a: LayerParameters, b: LayerParameters): boolean =>
  a.kernelShape.length === b.kernelShape.length &&
  a.kernelShape.every((n, i) => n === b.kernelShape[i]) &&
  a.kernel.length === b.kernel.length &&
  a.bias.length === b.bias.length;

/**
 * ||current - reference|| / ||reference|| over kernel and bias together; 0 for identical weights. Null when
 * the shapes differ (a replaced classifier head has no distance to the old one) or the reference is all zeros.
 */
export function relativeL2(reference: LayerParameters, current: LayerParameters): number | null {
  if (!sameShape(reference, current)) {
    return null;
  }
  let diff = 0;
  let norm = 0;
  for (const [r, c] of [
    [reference.kernel, current.kernel],
    [reference.bias, current.bias],
  ] as const) {
    for (let i = 0; i < r.length; i++) {
      const d = c[i]! - r[i]!;
      diff += d * d;
      norm += r[i]! * r[i]!;
    }
  }
  return norm > 0 ? Math.sqrt(diff / norm) : null;
}

/**
 * A row's neurons: one per bias entry, or the kernel's last axis when the layer has no bias (a convolution before
 * batch norm stores an empty one, as every convolution of ResNet-20 and MobileNet-32 does). A bias that is not one
 * per neuron (a separable convolution's row carries its pointwise kernel there) is not counted either.
 */
function neuronCount({ kernel, kernelShape, bias }: LayerParameters): number {
  return bias.length > 0 && kernel.length % bias.length === 0 ? bias.length : (kernelShape.at(-1) ?? 0);
}

/**
 * Per neuron (output unit or channel): the cosine similarity of its incoming weights and bias in `a` and
 * in `b`, in [-1, 1]; 0 where either vector is all zeros. A layer without a bias compares its kernel alone.
 * `neurons` is the layer's neuron count when its class says more than the row (a depthwise kernel [kh, kw, in, m]
 * without a bias has in * m, the last two axes; analysis/run-layers.ts knows it); by default it comes from the row.
 * Null when the shapes differ or `neurons` does not divide the kernel. A fine-tuned copy keeps neuron i as neuron i,
 * so no matching is needed.
 */
export function neuronWeightSimilarity(a: LayerParameters, b: LayerParameters, neurons = neuronCount(a)): Float32Array | null {
  if (!sameShape(a, b) || (neurons > 0 && a.kernel.length % neurons !== 0)) {
    return null;
  }
  const withBias = a.bias.length === neurons;
  const dot = new Float64Array(neurons);
  const na = new Float64Array(neurons);
  const nb = new Float64Array(neurons);
  // Row-major with the neuron last: each row holds one input's weight to every neuron. Walking rows avoids a
  // modulo per element (the compare route runs this on the monitor's event loop), in the same summation order.
  const ka = a.kernel;
  const kb = b.kernel;
  for (let row = 0; neurons > 0 && row < ka.length; row += neurons) {
    for (let o = 0; o < neurons; o++) {
      const x = ka[row + o]!;
      const y = kb[row + o]!;
      dot[o]! += x * y;
      na[o]! += x * x;
      nb[o]! += y * y;
    }
  }
  const out = new Float32Array(neurons);
  for (let o = 0; o < neurons; o++) {
    const x = withBias ? a.bias[o]! : 0;
    const y = withBias ? b.bias[o]! : 0;
    const d = dot[o]! + x * y;
    const n = Math.sqrt((na[o]! + x * x) * (nb[o]! + y * y));
    out[o] = n > 0 ? d / n : 0;
  }
  return out;
}
