// The instance view's layouts across checkpoints: each checkpoint's activations get a t-SNE layout started
// from the previous one and Procrustes-aligned to it, with the numbers that say whether to trust the picture.
import {
  meanDisplacement,
  meanOf,
  nearestNeighbours,
  preservationFromGraph,
  principalCoordinates,
  rowCount,
  type NeighbourGraph,
} from '../lib/neighbours/index.ts';
import { procrustes } from '../lib/procrustes/index.ts';
import { effectivePerplexity, embedAffinities, inputAffinities, type TsneOptions } from '../lib/tsne/index.ts';

export interface ProjectionOptions extends Omit<TsneOptions, 'init'> {
  /** Neighbours compared by the neighbour-preservation score; default 15. */
  k?: number;
  /**
   * Reduce the activations to this many principal coordinates before the affinities (none by default).
   * The neighbour-preservation score is still measured against the full activations, so it also counts
   * what the reduction lost.
   */
  principalDimensions?: number;
}

export interface CheckpointProjection {
  /** n x 2 row-major layout, aligned (rotation or reflection, uniform scale, shift) to the previous one. */
  layout: Float32Array;
  /** Mean share of each instance's k nearest activations that stay among its k nearest on screen, in [0, 1]. */
  neighbourPreservation: number;
  /** Mean distance an instance moved since the previous checkpoint, in layout units; null for the first. */
  meanDisplacement: number | null;
  /** Dimensions the affinities were computed in: d, or `principalDimensions` when that is smaller. */
  dimensions: number;
  /** Share of the activations' variance those dimensions hold (1 without reduction). */
  capturedVariance: number;
}

/**
 * Layout of one checkpoint's `activations` (n x d row-major). With `previous` (the last checkpoint's layout
 * of the same n instances) the run is warm-started from it and the result aligned onto it; with null it is a
 * cold start. Throws when shapes disagree.
 */
export function projectCheckpoint(activations: Float32Array, d: number, previous: Float32Array | null, options: ProjectionOptions = {}): CheckpointProjection {
  const n = rowCount(activations, d, 'projectCheckpoint');
  const k = options.k ?? 15;
  const perplexity = effectivePerplexity(options.perplexity ?? 40, Math.max(n, 2));
  const affinityK = Math.floor(3 * perplexity);
  const reduce = options.principalDimensions !== undefined && options.principalDimensions < d;
  const reduced = reduce ? principalCoordinates(activations, d, options.principalDimensions!) : null;
  // Without reduction one neighbour search serves both the affinities (3·perplexity columns) and the score (k).
  const graph = reduced ? nearestNeighbours(reduced.coordinates, reduced.m, affinityK) : nearestNeighbours(activations, d, Math.max(affinityK, k));
  const raw = embedAffinities(inputAffinities(firstColumns(graph, affinityK), perplexity), { ...options, init: previous ?? undefined });
  const layout = previous === null ? raw : procrustes(previous, raw).aligned;
  const high = reduced ? nearestNeighbours(activations, d, k) : graph;
  return {
    layout,
    neighbourPreservation: meanOf(preservationFromGraph(high, layout, k)),
    meanDisplacement: previous === null ? null : meanDisplacement(previous, layout),
    dimensions: reduced ? reduced.m : d,
    capturedVariance: reduced ? reduced.capturedVariance : 1,
  };
}

/**
 * Projects a sequence of checkpoints (each n x d, the same instances in the same order), each warm-started
 * from and aligned to the one before. An empty sequence gives an empty array.
 */
export function projectCheckpoints(checkpoints: readonly Float32Array[], d: number, options: ProjectionOptions = {}): CheckpointProjection[] {
  const result: CheckpointProjection[] = [];
  let previous: Float32Array | null = null;
  for (const activations of checkpoints) {
    const projection = projectCheckpoint(activations, d, previous, options);
    result.push(projection);
    previous = projection.layout;
  }
  return result;
}

/** The first k columns of a neighbour graph (each point's k nearest); the graph itself when it has at most k. */
export function firstColumns(graph: NeighbourGraph, k: number): NeighbourGraph {
  const kk = Math.min(k, graph.k);
  if (kk === graph.k) {
    return graph;
  }
  const indices = new Int32Array(graph.n * kk);
  const squaredDistances = new Float64Array(graph.n * kk);
  for (let i = 0; i < graph.n; i++) {
    indices.set(graph.indices.subarray(i * graph.k, i * graph.k + kk), i * kk);
    squaredDistances.set(graph.squaredDistances.subarray(i * graph.k, i * graph.k + kk), i * kk);
  }
  return { n: graph.n, k: kk, indices, squaredDistances };
}
