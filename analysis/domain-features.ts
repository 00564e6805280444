// Paper §5.4 for one class, shaped for the feature view: Algorithm 1 on the important neurons' conductances,
// then each neuron's weight, biplot axis and per-domain histogram, and every instance's place in the plot.
import { FEATURE_HISTOGRAM_BINS, type FeatureClassAnalysis, type FeatureNeuron } from '../core/features-protocol.ts';
import type { LayerName } from '../core/protocol.ts';
import { domainDiscriminability, scaleToUnitRange } from './domain-discriminability.ts';

export interface DomainFeaturesInput {
  classIndex: number;
  /** The columns of both matrices, in order. */
  neurons: { layer: LayerName; neuron: number }[];
  /** ns x d and nt x d row-major conductances (d = neurons.length). */
  source: Float32Array;
  target: Float32Array;
  /** Split indices of the rows, for the plot's tooltips. */
  sourceInstances: number[];
  targetInstances: number[];
  /** SVM C (default 100, as the paper's code), folds (default 10) and seed (default 0). */
  C?: number;
  folds?: number;
  seed?: number;
}

/** 4 significant digits: the view draws pixels, and every checkpoint stores one of these per class. */
export function roundFeature(v: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(4));
}

/** Counts of the values (in [−1, 1]) per FEATURE_HISTOGRAM_BINS bins; column k of an n x d matrix. */
export function unitHistogram(scaled: Float32Array, d: number, k: number, fromRow: number, toRow: number): number[] {
  const counts = new Array<number>(FEATURE_HISTOGRAM_BINS).fill(0);
  for (let r = fromRow; r < toRow; r++) {
    const v = scaled[r * d + k]!;
    // The maximum (exactly 1) falls into the last bin rather than a bin of its own.
    const b = Math.min(FEATURE_HISTOGRAM_BINS - 1, Math.max(0, Math.floor(((v + 1) / 2) * FEATURE_HISTOGRAM_BINS)));
    counts[b]!++;
  }
  return counts;
}

/**
 * Algorithm 1 on one class. Without instances of either domain there is no classifier: weights and axes
 * are 0, cvAccuracy and boundaryX null, and the plot is empty, but the histograms of the present domain stay.
 */
export function domainFeatures(input: DomainFeaturesInput): FeatureClassAnalysis {
  const d = input.neurons.length;
  const ns = input.sourceInstances.length;
  const nt = input.targetInstances.length;
  if (input.source.length !== ns * d || input.target.length !== nt * d) {
    throw new RangeError(
      `domainFeatures: class ${input.classIndex} got ${input.source.length} source and ${input.target.length} target values for ${ns} + ${nt} instances of ${d} neurons. Pass one row per listed instance.`,
    );
  }
  const empty = { classIndex: input.classIndex, sourceInstances: input.sourceInstances, targetInstances: input.targetInstances };
  if (d === 0) {
    return { ...empty, neurons: [], cvAccuracy: null, folds: 0, x: [], y: [], boundaryX: null };
  }
  if (ns === 0 || nt === 0) {
    const { scaled } = scaleToUnitRange(ns === 0 ? input.target : input.source, d);
    const n = ns + nt;
    const neurons = input.neurons.map(({ layer, neuron }, k): FeatureNeuron => {
      const counts = unitHistogram(scaled, d, k, 0, n);
      const zeros = new Array<number>(FEATURE_HISTOGRAM_BINS).fill(0);
      return { layer, neuron, weight: 0, source: ns > 0 ? counts : zeros, target: nt > 0 ? counts : zeros, axis: [0, 0] };
    });
    return { ...empty, neurons, cvAccuracy: null, folds: 0, x: [], y: [], boundaryX: null };
  }
  const result = domainDiscriminability({ source: input.source, target: input.target, d, C: input.C ?? 100, folds: input.folds ?? 10, seed: input.seed ?? 0 });
  const { scaled, projection } = result;
  const neurons = input.neurons.map(({ layer, neuron }, k): FeatureNeuron => ({
    layer,
    neuron,
    weight: roundFeature(result.weights[k]!),
    source: unitHistogram(scaled, d, k, 0, ns),
    target: unitHistogram(scaled, d, k, ns, ns + nt),
    axis: [roundFeature(projection.loadings[2 * k]!), roundFeature(projection.loadings[2 * k + 1]!)],
  }));
  return {
    ...empty,
    neurons,
    cvAccuracy: roundFeature(result.cvAccuracy),
    folds: result.foldAccuracies.length,
    x: Array.from(projection.x, roundFeature),
    y: Array.from(projection.y, roundFeature),
    boundaryX: projection.boundaryX === null ? null : roundFeature(projection.boundaryX),
  };
}
