// Paper §5.4, Algorithm 1: how well each important neuron's Layer Conductance tells source instances from
// target instances. Each neuron is scaled to [−1, 1], a linear SVM (C = 100, as the paper's code) separates
// the domains, 10-fold cross-validation says how separable they are, and the weights rank the neurons.
import { type DiscriminabilityProjection, discriminabilityProjection } from './domain-discriminability-projection.ts';
import type { LinearSvmSolver } from './linear-svm.ts';
import { crossValidateLinearSvm } from './linear-svm-cv.ts';

export interface DomainDiscriminabilityInput {
  /** Conductances of the source instances, ns x d row-major (one column per important neuron). */
  source: Float32Array;
  /** Conductances of the target instances, nt x d row-major, same neurons in the same order. */
  target: Float32Array;
  d: number;
  /** Default 100. */
  C?: number;
  /** Default 10. */
  folds?: number;
  /** Seeds the folds, the solver's permutations and the plot's PCA start. Default 0. */
  seed?: number;
  eps?: number;
  maxIterations?: number;
  solver?: LinearSvmSolver;
}

export interface DomainDiscriminability {
  /** One per neuron, in the scaled space: positive = source-like, |w| = discriminability. */
  weights: Float32Array;
  bias: number;
  /** Mean held-out accuracy over the folds, in [0, 1]; 0.5 for a balanced pair means indistinguishable domains. */
  cvAccuracy: number;
  foldAccuracies: Float64Array;
  /** Per-neuron minimum and maximum over both domains: the [−1, 1] scaling is 2(x − min)/(max − min) − 1. */
  featureMin: Float32Array;
  featureMax: Float32Array;
  /** (ns + nt) x d scaled conductances, source rows first. */
  scaled: Float32Array;
  sourceCount: number;
  targetCount: number;
  /** Whether the all-data SVM met its stopping test, and which solver produced it. */
  converged: boolean;
  solver: 'dual-cd' | 'newton';
  projection: DiscriminabilityProjection;
}

export interface UnitRangeScaling {
  scaled: Float32Array;
  min: Float32Array;
  max: Float32Array;
}

/**
 * Scales every column of X (n x d row-major) linearly so its minimum maps to −1 and its maximum to 1.
 * A constant column maps to 0: it carries no information, and 0 keeps it out of the SVM's dot products.
 */
export function scaleToUnitRange(X: Float32Array, d: number): UnitRangeScaling {
  const n = X.length / d;
  const min = new Float32Array(d).fill(Infinity);
  const max = new Float32Array(d).fill(-Infinity);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < d; k++) {
      const v = X[r * d + k]!;
      min[k] = Math.min(min[k]!, v);
      max[k] = Math.max(max[k]!, v);
    }
  }
  const offset = Float64Array.from(min, (lo, k) => (max[k]! > lo ? lo : 0));
  const factor = Float64Array.from(min, (lo, k) => (max[k]! > lo ? 2 / (max[k]! - lo) : 0));
  const scaled = new Float32Array(X.length);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < d; k++) {
      const f = factor[k]!;
      scaled[r * d + k] = f === 0 ? 0 : (X[r * d + k]! - offset[k]!) * f - 1;
    }
  }
  return { scaled, min, max };
}

/**
 * Algorithm 1 on the conductances of one layer's important neurons. Throws when either domain has no
 * instances, when the arrays are not multiples of d, or when a value is not finite.
 */
export function domainDiscriminability(input: DomainDiscriminabilityInput): DomainDiscriminability {
  const { source, target, d, C = 100, folds = 10, seed = 0 } = input;
  if (!Number.isInteger(d) || d < 1 || source.length % d !== 0 || target.length % d !== 0) {
    throw new RangeError(`domainDiscriminability: source has ${source.length} and target ${target.length} values for d = ${d}. Pass ns x d and nt x d row-major matrices.`);
  }
  const sourceCount = source.length / d;
  const targetCount = target.length / d;
  if (sourceCount === 0 || targetCount === 0) {
    throw new RangeError(`domainDiscriminability: needs instances of both domains (got ${sourceCount} source, ${targetCount} target).`);
  }
  const combined = new Float32Array(source.length + target.length);
  combined.set(source);
  combined.set(target, source.length);
  if (!combined.every(Number.isFinite)) {
    throw new RangeError('domainDiscriminability: conductances contain NaN or infinite values. Check the attribution step.');
  }
  const { scaled, min, max } = scaleToUnitRange(combined, d);
  const labels = new Int8Array(sourceCount + targetCount).fill(-1);
  labels.fill(1, 0, sourceCount);
  const cv = crossValidateLinearSvm(scaled, labels, d, { C, folds, seed, eps: input.eps, maxIterations: input.maxIterations, solver: input.solver });
  return {
    weights: cv.model.weights,
    bias: cv.model.bias,
    cvAccuracy: cv.accuracy,
    foldAccuracies: cv.foldAccuracies,
    featureMin: min,
    featureMax: max,
    scaled,
    sourceCount,
    targetCount,
    converged: cv.model.converged,
    solver: cv.model.solver,
    projection: discriminabilityProjection(scaled, d, cv.model, seed),
  };
}
