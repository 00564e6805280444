// Per-point candidate buffers for a brute-force k-nearest-neighbour search: a candidate nearer than the point's
// k-th so far is appended, and a full buffer (2k) is cut back to its k nearest by quickselect. Each accepted
// candidate then costs O(1) amortised instead of a heap sift; at 5,000 x 256, k = 120, sifts took 0.5 s.
import { siftDown, sortHeaps, swapEntries } from './neighbour-heap.ts';

/** Candidates of n points with room for 2k each; `bound[i]` is point i's k-th distance once it has k. */
export interface NeighbourBuffers {
  n: number;
  k: number;
  distances: Float64Array;
  indices: Int32Array;
  count: Int32Array;
  bound: Float64Array;
}

export function makeNeighbourBuffers(n: number, k: number): NeighbourBuffers {
  return {
    n,
    k,
    distances: new Float64Array(2 * k * n),
    indices: new Int32Array(2 * k * n),
    count: new Int32Array(n),
    bound: new Float64Array(n).fill(Infinity),
  };
}

/** (da, ia) ranks before (db, ib): nearer, or as near with a lower index, so ties never depend on visiting order. */
const before = (da: number, ia: number, db: number, ib: number) => da < db || (da === db && ia < ib);

/** Offers j at squared distance s to point i. Callers may skip the call when s > bound[i], as it would do. */
export function pushCandidate(buffers: NeighbourBuffers, i: number, s: number, j: number): void {
  const { k, distances, indices, count, bound } = buffers;
  if (s > bound[i]!) {
    return;
  }
  const base = 2 * k * i;
  const c = count[i]!;
  distances[base + c] = s;
  indices[base + c] = j;
  if (c + 1 < 2 * k) {
    count[i] = c + 1;
    return;
  }
  selectNearest(distances, indices, base, 2 * k, k);
  count[i] = k;
  let farthest = -Infinity;
  for (let e = base; e < base + k; e++) {
    farthest = Math.max(farthest, distances[e]!);
  }
  bound[i] = farthest;
}

/** Moves the k nearest of `size` entries at `base` to the front (in no particular order), by quickselect. */
function selectNearest(dist: Float64Array, idx: Int32Array, base: number, size: number, k: number): void {
  let lo = base;
  let hi = base + size - 1;
  const target = base + k - 1;
  while (lo < hi) {
    // Median of three as the pivot keeps already ordered runs from degrading to quadratic time.
    const mid = (lo + hi) >>> 1;
    let p = lo;
    if (before(dist[mid]!, idx[mid]!, dist[lo]!, idx[lo]!) !== before(dist[mid]!, idx[mid]!, dist[hi]!, idx[hi]!)) {
      p = mid;
    } else if (before(dist[hi]!, idx[hi]!, dist[lo]!, idx[lo]!) !== before(dist[hi]!, idx[hi]!, dist[mid]!, idx[mid]!)) {
      p = hi;
    }
    const pd = dist[p]!;
    const pi = idx[p]!;
    swapEntries(dist, idx, p, hi);
    let store = lo;
    for (let e = lo; e < hi; e++) {
      if (before(dist[e]!, idx[e]!, pd, pi)) {
        swapEntries(dist, idx, e, store++);
      }
    }
    swapEntries(dist, idx, store, hi);
    if (store === target) {
      return;
    }
    if (store < target) {
      lo = store + 1;
    } else {
      hi = store - 1;
    }
  }
}

/** Writes each point's k nearest candidates, nearest first, into n x k `indices` / `squaredDistances`. */
export function finishBuffers(buffers: NeighbourBuffers, indices: Int32Array, squaredDistances: Float64Array): void {
  const { n, k, distances, count } = buffers;
  for (let i = 0; i < n; i++) {
    const base = 2 * k * i;
    selectNearest(distances, buffers.indices, base, count[i]!, k);
    squaredDistances.set(distances.subarray(base, base + k), i * k);
    indices.set(buffers.indices.subarray(base, base + k), i * k);
  }
  // The k kept of each point as a max-heap, then heap-sorted: nearest first, ties by index.
  for (let i = 0; i < n; i++) {
    for (let p = (k >> 1) - 1; p >= 0; p--) {
      siftDown(squaredDistances, indices, i * k, k, p);
    }
  }
  sortHeaps(squaredDistances, indices, n, k);
}
