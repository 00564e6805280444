// How faithful and how steady a 2-D layout is: the share of each point's high-dimensional nearest neighbours
// that stay its neighbours on screen (DeepVisualInsight's kNN preservation), and how far points move between
// consecutive layouts.
import { nearestNeighbours, rowCount, type NeighbourGraph } from './neighbour-search.ts';

/**
 * Per point, |kNN_high ∩ kNN_low| / k for `data` (n x d) and its `layout` (n x 2), both with k clipped to
 * n - 1. Values in [0, 1]. Throws when the two describe different numbers of points.
 */
export function pointNeighbourPreservation(data: Float32Array, d: number, layout: Float32Array, k = 15): Float32Array {
  const n = rowCount(data, d, 'neighbourPreservation');
  if (layout.length !== 2 * n) {
    throw new RangeError(`neighbourPreservation: layout has ${layout.length} values for ${n} points. Pass the n x 2 layout of the same points.`);
  }
  return preservationFromGraph(nearestNeighbours(data, d, k), layout, k);
}

/**
 * Mean over points of |kNN_high ∩ kNN_low| / k (k = 15 by default): 1 when every neighbourhood survives,
 * about k / n for a random layout. NaN when there are fewer than two points (no neighbourhoods).
 */
export function neighbourPreservation(data: Float32Array, d: number, layout: Float32Array, k = 15): number {
  return meanOf(pointNeighbourPreservation(data, d, layout, k));
}

/**
 * As `pointNeighbourPreservation`, reusing a high-dimensional neighbour graph computed with at least k
 * neighbours (its first k columns are the k nearest), as t-SNE's input affinities already have one.
 */
export function preservationFromGraph(high: NeighbourGraph, layout: Float32Array, k = 15): Float32Array {
  const kk = Math.min(Math.floor(k), high.n - 1);
  if (high.k < kk) {
    throw new RangeError(`neighbourPreservation: the graph has ${high.k} neighbours per point but k = ${kk} were asked for. Build it with at least k.`);
  }
  const low = nearestNeighbours(layout, 2, kk);
  const result = new Float32Array(high.n);
  const mark = new Int32Array(high.n).fill(-1);
  for (let i = 0; i < high.n; i++) {
    for (let r = 0; r < kk; r++) {
      mark[high.indices[i * high.k + r]!] = i;
    }
    let shared = 0;
    for (let r = 0; r < kk; r++) {
      shared += mark[low.indices[i * kk + r]!] === i ? 1 : 0;
    }
    result[i] = shared / kk;
  }
  return result;
}

/** Mean of the values; NaN for none. */
export function meanOf(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
  }
  return values.length > 0 ? sum / values.length : Number.NaN;
}

/**
 * Mean Euclidean distance, in layout units, between corresponding points of two n x 2 layouts of the same
 * instances. Throws when the lengths differ; NaN when there are no points.
 */
export function meanDisplacement(previous: Float32Array, next: Float32Array): number {
  if (previous.length !== next.length || previous.length % 2 !== 0) {
    throw new RangeError(`meanDisplacement: previous has ${previous.length} values and next ${next.length}; both must be n x 2 layouts of the same instances.`);
  }
  const n = next.length / 2;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += Math.hypot(next[2 * i]! - previous[2 * i]!, next[2 * i + 1]! - previous[2 * i + 1]!);
  }
  return n > 0 ? sum / n : Number.NaN;
}
