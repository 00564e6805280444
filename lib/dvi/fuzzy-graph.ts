// UMAP's fuzzy simplicial set over a k-nearest-neighbour graph (McInnes et al. 2018, §3.1; DVI §4.1): each point's
// neighbour distances become memberships exp(-(d - ρ)/σ), and the directed memberships are joined by fuzzy union.
import { nearestNeighbours, type NeighbourGraph } from '../neighbours/index.ts';

/** The symmetric fuzzy graph as undirected edges (head < tail), plus each point's ρ and σ. */
export interface FuzzyGraph {
  /** Number of points. */
  n: number;
  heads: Int32Array;
  tails: Int32Array;
  /** Fuzzy-union membership of each edge, in (0, 1]. */
  weights: Float32Array;
  /** Per point: Euclidean distance to its nearest neighbour at a distance above 0 (0 when all are at 0). */
  rho: Float64Array;
  /** Per point: the bandwidth that makes its memberships sum to log2(k). */
  sigma: Float64Array;
}

const BISECTION_STEPS = 64;
const BISECTION_TOLERANCE = 1e-5;
/** UMAP's floor on σ, as a fraction of the mean neighbour distance, so duplicates don't give σ = 0. */
const MIN_SIGMA_SCALE = 1e-3;

/**
 * σ for one point: the bisection of UMAP's smooth_knn_dist on Σ_j exp(-max(0, d_j - ρ)/σ) = log2(k), where k is
 * the number of neighbours passed (the point itself excluded).
 */
export function smoothBandwidth(distances: ArrayLike<number>, rho: number, meanDistance: number): number {
  const k = distances.length;
  const target = Math.log2(k);
  let low = 0;
  let high = Infinity;
  let mid = 1;
  for (let step = 0; step < BISECTION_STEPS; step++) {
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const excess = distances[j]! - rho;
      sum += excess > 0 ? Math.exp(-excess / mid) : 1;
    }
    if (Math.abs(sum - target) < BISECTION_TOLERANCE) {
      break;
    }
    if (sum > target) {
      high = mid;
      mid = (low + high) / 2;
    } else {
      low = mid;
      mid = high === Infinity ? mid * 2 : (low + high) / 2;
    }
  }
  return Math.max(mid, MIN_SIGMA_SCALE * meanDistance);
}

/**
 * The fuzzy graph of `data` (n x d row-major) over its k = 15 exact nearest neighbours (k is clipped to n - 1).
 * Fewer than two points give no edges.
 */
export function fuzzyGraph(data: Float32Array, d: number, k = 15): FuzzyGraph {
  return fuzzyGraphFromNeighbours(nearestNeighbours(data, d, k));
}

/** As `fuzzyGraph`, from a neighbour graph already computed (squared distances, self excluded). */
export function fuzzyGraphFromNeighbours(graph: NeighbourGraph): FuzzyGraph {
  const { n, k } = graph;
  const rho = new Float64Array(n);
  const sigma = new Float64Array(n);
  const distances = new Float64Array(n * k);
  let total = 0;
  for (let c = 0; c < n * k; c++) {
    distances[c] = Math.sqrt(graph.squaredDistances[c]!);
    total += distances[c]!;
  }
  const meanAll = n * k > 0 ? total / (n * k) : 0;
  // Directed memberships keyed by the ordered pair, so the union can look up the reverse direction.
  const directed = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const row = distances.subarray(i * k, (i + 1) * k);
    let firstPositive = 0;
    let rowSum = 0;
    for (let j = 0; j < k; j++) {
      rowSum += row[j]!;
      if (firstPositive === 0 && row[j]! > 0) {
        firstPositive = row[j]!;
      }
    }
    rho[i] = firstPositive;
    // UMAP floors σ against the point's own mean distance when it has one, else the data's.
    sigma[i] = smoothBandwidth(row, firstPositive, rho[i]! > 0 ? rowSum / k : meanAll);
    for (let j = 0; j < k; j++) {
      const neighbour = graph.indices[i * k + j]!;
      const excess = row[j]! - rho[i]!;
      directed.set(i * n + neighbour, excess > 0 ? Math.exp(-excess / sigma[i]!) : 1);
    }
  }
  const heads: number[] = [];
  const tails: number[] = [];
  const weights: number[] = [];
  for (const [key, forward] of directed) {
    const i = Math.floor(key / n);
    const j = key - i * n;
    const backward = directed.get(j * n + i);
    if (backward !== undefined && j < i) {
      continue; // the pair was joined when (j, i) came up
    }
    const b = backward ?? 0;
    heads.push(Math.min(i, j));
    tails.push(Math.max(i, j));
    weights.push(forward + b - forward * b);
  }
  return { n, heads: Int32Array.from(heads), tails: Int32Array.from(tails), weights: Float32Array.from(weights), rho, sigma };
}
