// t-SNE for the instance view: sparse kNN input affinities (van der Maaten 2014), repulsion by FFT interpolation
// while the layout is compact and by Barnes-Hut once it has spread (FIt-SNE, Linderman et al. 2019), bhtsne's
// gains and momentum, and openTSNE's larger step after exaggeration. Warm starts from the previous
// checkpoint's layout keep consecutive layouts close, so movement on screen means the model changed.
import { SeededRandom } from '../random/index.ts';
import { nearestNeighbours, rowCount } from '../neighbours/index.ts';
import { inputAffinities, type SparseAffinities } from './tsne-affinities.ts';
import { makeAttraction, upperTriangle } from './tsne-attraction.ts';
import { makeRepulsion, type RepulsionMethod } from './tsne-repulsion.ts';

export interface TsneOptions {
  /** Effective number of neighbours; default 40. Lowered to (n - 1) / 3 when n is too small for it. */
  perplexity?: number;
  /**
   * Step size on the true KL gradient, factor 4 included (the tsne-js and scikit-learn scale; bhtsne drops
   * the 4, so its 200 is 50 here). Default 100. Measured: 200 diverged on 150 points in 2 of 5 seeds.
   * A cold start uses it while exaggerating; a warm start (no exaggeration) for all its steps.
   */
  learningRate?: number;
  /**
   * Step size of a cold start once exaggeration is over. Default max(learningRate, n / 4): openTSNE's n / α
   * at α = 1 in this scale (Belkina et al. 2019: the stable step grows with n). 1,250 at n = 5,000. A warm
   * start's default is `learningRate`, so its steps mean what they did.
   */
  finalLearningRate?: number;
  /**
   * Gradient steps. Default for a cold start: `exaggerationIterations` + max(250, 750 · learningRate /
   * finalLearningRate), i.e. bhtsne's 1,000 up to 400 points, 750 at 500 and 400 from 1,200 on; 300 for a warm
   * start.
   */
  iterations?: number;
  /** Factor on P during the first `exaggerationIterations` steps; default 12. */
  earlyExaggeration?: number;
  /**
   * Default 150 from 500 points on (bhtsne's 250 measured no better there: KL and kNN preservation within seed
   * noise on MNIST 5,000 and synthetic 500 / 1,500 / 5,000), 250 below (120 points: KL 3% worse at 150);
   * 0 when `init` is given: a warm layout already has its clusters and only needs to settle.
   */
  exaggerationIterations?: number;
  /**
   * Barnes-Hut accuracy, as bhtsne defines it: a cell is summarised when half its side / its distance < θ
   * (scikit-learn divides the full side, so its 0.25 is this 0.5). 0 is exact and O(n²), and keeps 'auto' on
   * the tree. Default 0.5.
   */
  theta?: number;
  /**
   * How the repulsive forces are estimated: 'barnes-hut' (the quadtree), 'fft' (FIt-SNE's interpolation on a
   * grid as wide as the layout), or 'auto' (default): FFT while its grid is small enough to be the cheaper of
   * the two for n points (compact layouts, e.g. during exaggeration), Barnes-Hut after.
   */
  repulsion?: RepulsionMethod;
  /**
   * Barnes-Hut cells add their quadrupole term to the centre-of-mass one; default false. More accurate at
   * the same θ (lower KL at n = 5,000), but warm starts of 200 points then moved 2-3x as far.
   */
  quadrupole?: boolean;
  /** Widest box of the FFT grid in layout units (the kernel's length scale is 1); default 1, FIt-SNE's. */
  fftBoxWidth?: number;
  /**
   * Run the neighbour search, the attraction and the Barnes-Hut walk on the WebAssembly SIMD kernels where they
   * run (default true);
   * false keeps the JS loops, for comparison. Both find the same neighbours, and the same P gives the same layout
   * bits; but the kernels sum distances in another order (last-bit differences), which a cold layout amplifies.
   */
  simd?: boolean;
  /** Seed of the random initial layout; the same seed and input give the same layout bit for bit. Default 0. */
  seed?: number;
  /** Starting layout (n x 2), typically the previous checkpoint's; replaces the random start. It is centred. */
  init?: Float32Array;
  /**
   * Rescale `init` to this standard deviation per axis, e.g. 1e-4 for a PCA start (bhtsne's random scale).
   * Default: keep its scale, since a previous t-SNE layout is already at its equilibrium size; measured on
   * 400 points moved by noise, a kept layout moved 1.5 units on a 19-unit layout, a shrunk one 10.4.
   */
  initStd?: number;
  /** Called after every gradient step with the 1-based step and the total. */
  onProgress?: (iteration: number, total: number) => void;
}

/**
 * bhtsne's values: momentum 0.5 while exaggerating, then 0.8 (both switch at step 250 there); gains +0.2 / x0.8
 * with floor 0.01. A warm start, which has no exaggeration, runs at 0.8 throughout; 0.5 for its first 100
 * steps moved points 3% less, not worth a second schedule.
 */
const START_MOMENTUM = 0.5;
const FINAL_MOMENTUM = 0.8;
const MIN_GAIN = 0.01;
/** Points from which 150 exaggeration steps do as well as 250 (decisions.md, "t-SNE speed, third pass"). */
const SHORT_EXAGGERATION_FROM = 500;
/** bhtsne's random start: N(0, 1e-4²), small enough that early exaggeration can gather clusters freely. */
const RANDOM_INIT_STD = 1e-4;

/**
 * 2-D layout (n x 2 row-major) of `data` (n x d row-major). Throws when `data` is not a whole number of
 * d-vectors or `init` is not n x 2. Fewer than two points give an all-zero layout.
 */
export function tsne(data: Float32Array, d: number, options: TsneOptions = {}): Float32Array {
  const n = rowCount(data, d, 'tsne');
  if (n < 2) {
    return new Float32Array(2 * n);
  }
  const perplexity = effectivePerplexity(options.perplexity ?? 40, n);
  const graph = nearestNeighbours(data, d, Math.floor(3 * perplexity), { kernel: options.simd === false ? 'js' : 'auto' });
  return embedAffinities(inputAffinities(graph, perplexity), options);
}

/** Perplexity needs about 3·perplexity neighbours; on tiny inputs it shrinks to what n - 1 others allow. */
export function effectivePerplexity(perplexity: number, n: number): number {
  if (!(perplexity > 0)) {
    throw new RangeError(`tsne: perplexity must be positive (got ${perplexity}). Typical values are 5 to 50.`);
  }
  return Math.max(1, Math.min(perplexity, (n - 1) / 3));
}

/**
 * Minimises KL(P || Q) over 2-D layouts by gradient descent for a given joint P (symmetric, summing to 1);
 * `options.perplexity` is ignored here. Returns the layout, n x 2 row-major, centred at the origin (all zero
 * for fewer than two points). Throws when `options.init` is not n x 2.
 */
export function embedAffinities(P: SparseAffinities, options: TsneOptions = {}): Float32Array {
  const { n } = P;
  const warm = options.init !== undefined;
  const {
    learningRate = 100,
    earlyExaggeration = 12,
    exaggerationIterations = warm ? 0 : n >= SHORT_EXAGGERATION_FROM ? 150 : 250,
    theta = 0.5,
    seed = 0,
  } = options;
  const finalLearningRate = options.finalLearningRate ?? (warm ? learningRate : Math.max(learningRate, n / 4));
  const iterations = options.iterations ?? (warm ? 300 : exaggerationIterations + settlingSteps(learningRate, finalLearningRate));
  const Y = initialLayout(n, options.init, options.initStd, seed);
  if (n < 2) {
    return new Float32Array(2 * n);
  }
  const attractiveForces = makeAttraction(upperTriangle(P), options.simd ?? true);
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const attraction = new Float64Array(2 * n);
  const repulsion = new Float64Array(2 * n);
  const repulsiveForces = makeRepulsion(options.repulsion ?? 'auto', n, {
    theta,
    quadrupole: options.quadrupole ?? false,
    boxWidth: options.fftBoxWidth ?? 1,
    simd: options.simd ?? true,
  });
  for (let iter = 0; iter < iterations; iter++) {
    const exaggerating = iter < exaggerationIterations;
    const exaggeration = exaggerating ? earlyExaggeration : 1;
    const momentum = exaggerating ? START_MOMENTUM : FINAL_MOMENTUM;
    const rate = exaggerating ? learningRate : finalLearningRate;
    const z = repulsiveForces(Y, repulsion);
    attractiveForces(Y, attraction);
    for (let c = 0; c < 2 * n; c++) {
      // ∂KL/∂yᵢ = 4 Σⱼ (pᵢⱼ - qᵢⱼ) wᵢⱼ (yᵢ - yⱼ), with qᵢⱼ = wᵢⱼ / Z (2014 paper, eq. 5).
      const grad = 4 * (exaggeration * attraction[c]! - repulsion[c]! / z);
      // Jacobs (1988) gains: grow while the gradient keeps pointing the way we are already moving.
      const gain = Math.sign(grad) !== Math.sign(update[c]!) ? gains[c]! + 0.2 : gains[c]! * 0.8;
      gains[c] = Math.max(gain, MIN_GAIN);
      update[c] = momentum * update[c]! - rate * gains[c]! * grad;
    }
    for (let c = 0; c < 2 * n; c++) {
      Y[c] = Y[c]! + update[c]!;
    }
    centre(Y, n);
    options.onProgress?.(iter + 1, iterations);
  }
  return Float32Array.from(Y);
}

/**
 * Steps after exaggeration: 750 at a constant rate (bhtsne's 1,000 in all), fewer as the final rate grows.
 * Measured: at n = 5,000 (final rate 1,250) 250 steps beat 750 at rate 100 on KL and neighbour preservation.
 */
function settlingSteps(learningRate: number, finalLearningRate: number): number {
  return Math.max(250, Math.round((750 * learningRate) / finalLearningRate));
}

function centre(Y: Float64Array, n: number): void {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += Y[2 * i]!;
    my += Y[2 * i + 1]!;
  }
  mx /= n;
  my /= n;
  for (let i = 0; i < n; i++) {
    Y[2 * i] = Y[2 * i]! - mx;
    Y[2 * i + 1] = Y[2 * i + 1]! - my;
  }
}

function initialLayout(n: number, init: Float32Array | undefined, initStd: number | undefined, seed: number): Float64Array {
  if (init !== undefined) {
    if (init.length !== 2 * n) {
      throw new RangeError(`tsne: init has ${init.length} values for ${n} points. Pass an n x 2 layout of the same instances.`);
    }
    const Y = Float64Array.from(init);
    centre(Y, n);
    if (initStd !== undefined && n > 0) {
      let squares = 0;
      for (let c = 0; c < 2 * n; c++) {
        squares += Y[c]! * Y[c]!;
      }
      const std = Math.sqrt(squares / (2 * n));
      for (let c = 0; c < 2 * n; c++) {
        Y[c] = std > 0 ? (Y[c]! * initStd) / std : Y[c]!;
      }
    }
    return Y;
  }
  const random = new SeededRandom(seed);
  return Float64Array.from({ length: 2 * n }, () => RANDOM_INIT_STD * random.normal());
}
