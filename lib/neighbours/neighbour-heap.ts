// Per-point bounded max-heaps of the k nearest candidates so far, shared by the neighbour searches. Ties in
// distance are ordered by index, so the result does not depend on the order in which pairs are offered.

/** Max-heap order on (distance, index): `a` ranks after `b` when it is farther, or as far with a larger index. */
export const after = (da: number, ia: number, db: number, ib: number) => da > db || (da === db && ia > ib);

export function siftDown(dist: Float64Array, idx: Int32Array, base: number, size: number, start: number): void {
  let p = start;
  for (;;) {
    const l = 2 * p + 1;
    if (l >= size) {
      return;
    }
    let c = l;
    const r = l + 1;
    if (r < size && after(dist[base + r]!, idx[base + r]!, dist[base + l]!, idx[base + l]!)) {
      c = r;
    }
    if (!after(dist[base + c]!, idx[base + c]!, dist[base + p]!, idx[base + p]!)) {
      return;
    }
    swapEntries(dist, idx, base + p, base + c);
    p = c;
  }
}

/** Offers candidate `j` at squared distance `s` to the k-heap starting at `base`; kept if nearer than its root. */
export function offer(dist: Float64Array, idx: Int32Array, base: number, k: number, s: number, j: number): void {
  if (after(dist[base]!, idx[base]!, s, j)) {
    dist[base] = s;
    idx[base] = j;
    siftDown(dist, idx, base, k, 0);
  }
}

/** Heap-sorts each of the n heaps of k in place: repeatedly move the farthest to the end, giving nearest first. */
export function sortHeaps(dist: Float64Array, idx: Int32Array, n: number, k: number): void {
  for (let i = 0; i < n; i++) {
    const base = i * k;
    for (let size = k - 1; size > 0; size--) {
      swapEntries(dist, idx, base, base + size);
      siftDown(dist, idx, base, size, 0);
    }
  }
}

/** Swaps entries a and b of the parallel distance and index arrays. */
export function swapEntries(dist: Float64Array, idx: Int32Array, a: number, b: number): void {
  const td = dist[a]!;
  const ti = idx[a]!;
  dist[a] = dist[b]!;
  idx[a] = idx[b]!;
  dist[b] = td;
  idx[b] = ti;
}
