// tsne-js (exact O(n²) t-SNE, CommonJS, untyped) behind a small typed wrapper, seeded by swapping
// Math.random for the run: the package draws its random start from Math.random and takes no seed.
import { createRequire } from 'node:module';
import { SeededRandom } from '../../../lib/random/index.ts';

interface NdArray {
  data: Float64Array;
  shape: number[];
}

interface TsneJsModel {
  init(options: { data: number[][]; type: 'dense' }): void;
  run(): [number, number];
  getOutput(): number[][];
  /** Joint P after run(), n x n, with the exaggeration divided back out. */
  P: NdArray;
}

type TsneJsConstructor = new (config: {
  dim: number;
  perplexity: number;
  earlyExaggeration: number;
  learningRate: number;
  nIter: number;
  metric: string;
}) => TsneJsModel;

const require = createRequire(import.meta.url);
const TSNE = require('tsne-js') as TsneJsConstructor;
const ndarray = require('ndarray') as (data: Float64Array, shape: number[]) => NdArray;
const referenceKlDivergence = require('tsne-js/dist/kl-divergence.js') as (Y: NdArray, P: NdArray, alpha: number) => [number, NdArray];
const referenceJoint = require('tsne-js/dist/joint-probabilities.js') as (distances: NdArray, perplexity: number) => NdArray;

export interface ReferenceRun {
  /** n x 2 row-major. */
  layout: Float64Array;
  /** tsne-js's own joint P (n x n). It is built from unsquared Euclidean distances, unlike the papers. */
  P: Float64Array;
  /** KL under tsne-js's P at its last step, as run() reports it. */
  error: number;
  iterations: number;
  seconds: number;
}

export interface ReferenceOptions {
  perplexity: number;
  earlyExaggeration?: number;
  learningRate?: number;
  iterations?: number;
}

/** Runs tsne-js on `data` (n x d row-major) with Math.random seeded by `seed` for the duration. */
export function runTsneJs(data: Float32Array, d: number, options: ReferenceOptions, seed: number): ReferenceRun {
  const n = data.length / d;
  const rows = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)));
  const random = new SeededRandom(seed);
  const original = Math.random;
  Math.random = () => random.next();
  try {
    const started = performance.now();
    const model = new TSNE({
      dim: 2,
      perplexity: options.perplexity,
      earlyExaggeration: options.earlyExaggeration ?? 4,
      learningRate: options.learningRate ?? 100,
      nIter: options.iterations ?? 1000,
      metric: 'euclidean',
    });
    model.init({ data: rows, type: 'dense' });
    const [error, iterations] = model.run();
    const seconds = (performance.now() - started) / 1000;
    return { layout: Float64Array.from(model.getOutput().flat()), P: Float64Array.from(model.P.data), error, iterations, seconds };
  } finally {
    Math.random = original;
  }
}

/** tsne-js's KL(P || Q) for layout Y (n x 2) and dense P (n x n). */
export function tsneJsKl(P: Float64Array, Y: ArrayLike<number>): number {
  const n = Y.length / 2;
  return referenceKlDivergence(ndarray(Float64Array.from(Y), [n, 2]), ndarray(Float64Array.from(P), [n, n]), 1)[0];
}

/** tsne-js's joint P from a dense matrix of (whatever) distances, n x n. */
export function tsneJsJointProbabilities(distances: Float64Array, n: number, perplexity: number): Float64Array {
  return Float64Array.from(referenceJoint(ndarray(Float64Array.from(distances), [n, n]), perplexity).data);
}
