// Seeded data for the linear SVM tests and bench, and ml-svm (CommonJS, untyped) behind a typed wrapper.
import { createRequire } from 'node:module';
import { SeededRandom } from '../../../lib/random/index.ts';

export interface LabelledData {
  X: Float32Array;
  labels: Int8Array;
  n: number;
  d: number;
}

/**
 * n points in d dimensions, alternating labels +1/−1; the first `informative` features are shifted by
 * ±shift/2 by class, the rest are pure noise. Values pass through tanh(·/2) to stay in (−1, 1).
 */
export function shiftedGaussians(seed: number, n: number, d: number, shift: number, informative = 2): LabelledData {
  const random = new SeededRandom(seed);
  const X = new Float32Array(n * d);
  const labels = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const y = i % 2 === 0 ? 1 : -1;
    labels[i] = y;
    for (let k = 0; k < d; k++) {
      X[i * d + k] = Math.tanh((random.normal() + (k < informative ? (y * shift) / 2 : 0)) / 2);
    }
  }
  return { X, labels, n, d };
}

/**
 * Conductance-like data of two domains: ns source and nt target rows of d neurons. Neurons share `factors`
 * latent factors (neurons of one layer fire together), values are softplus (non-negative, skewed), and the
 * first `discriminative` neurons are shifted up by `shift` in the source domain only.
 */
export function twoDomains(
  seed: number,
  ns: number,
  nt: number,
  d: number,
  options: { factors?: number; discriminative?: number; shift?: number } = {},
): { source: Float32Array; target: Float32Array } {
  const { factors = 8, discriminative = 10, shift = 0.6 } = options;
  const random = new SeededRandom(seed);
  const loadings = Float64Array.from({ length: factors * d }, () => random.normal() * 0.4);
  const make = (rows: number, isSource: boolean) => {
    const out = new Float32Array(rows * d);
    const z = new Float64Array(factors);
    for (let r = 0; r < rows; r++) {
      for (let f = 0; f < factors; f++) {
        z[f] = random.normal();
      }
      for (let k = 0; k < d; k++) {
        let v = random.normal() * 0.8;
        for (let f = 0; f < factors; f++) {
          v += loadings[f * d + k]! * z[f]!;
        }
        if (isSource && k < discriminative) {
          v += shift;
        }
        out[r * d + k] = Math.log1p(Math.exp(v));
      }
    }
    return out;
  };
  return { source: make(ns, true), target: make(nt, false) };
}

interface MlSvmInstance {
  train(features: number[][], labels: number[]): void;
  marginOne(features: number[]): number;
  predictOne(features: number[]): number;
}
type MlSvmConstructor = new (options: Record<string, unknown>) => MlSvmInstance;

export interface ReferenceSvm {
  /** Weight vector read off the decision function: wₖ = f(eₖ) − f(0). */
  weights: Float64Array;
  bias: number;
  predict(X: Float32Array): Int8Array;
  seconds: number;
}

/** ml-svm's SMO with a linear kernel, no whitening (our inputs are already scaled), seeded. */
export function trainMlSvm(data: LabelledData, C: number, seed = 1): ReferenceSvm {
  const require = createRequire(import.meta.url);
  const SVM = require('ml-svm') as MlSvmConstructor;
  const random = new SeededRandom(seed);
  const svm = new SVM({ kernel: 'linear', C, whitening: false, random: () => random.next() });
  const rows = (X: Float32Array) => Array.from({ length: X.length / data.d }, (_, i) => Array.from(X.subarray(i * data.d, (i + 1) * data.d)));
  const started = performance.now();
  svm.train(rows(data.X), Array.from(data.labels));
  const seconds = (performance.now() - started) / 1000;
  const origin = new Array<number>(data.d).fill(0);
  const bias = svm.marginOne(origin);
  const weights = Float64Array.from({ length: data.d }, (_, k) => svm.marginOne(origin.map((_, j) => (j === k ? 1 : 0))) - bias);
  return { weights, bias, seconds, predict: (X) => Int8Array.from(rows(X), (x) => svm.predictOne(x)) };
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) {
    dot += a[k]! * b[k]!;
    na += a[k]! * a[k]!;
    nb += b[k]! * b[k]!;
  }
  return dot / Math.sqrt(na * nb);
}

export function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) {
      same++;
    }
  }
  return same / a.length;
}
