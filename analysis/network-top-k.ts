// Partial selection of the k best scores, for the per-instance top-k of important weights (paper §5.3, Figure 3B),
// where sorting every instance's tens of thousands of weights would dominate the run time.

/**
 * Indices of the `k` highest `scores`, best first: ties broken by the higher `secondary` score when given,
 * then by the lower index, so results never depend on sort stability. O(n log k); NaN scores are not allowed.
 */
export function topK(scores: ArrayLike<number>, k: number, secondary?: ArrayLike<number>): Int32Array {
  const size = Math.max(0, Math.min(k, scores.length));
  const better = (a: number, b: number): boolean => {
    const d = scores[a]! - scores[b]!;
    if (d !== 0) {
      return d > 0;
    }
    const e = secondary ? secondary[a]! - secondary[b]! : 0;
    return e !== 0 ? e > 0 : a < b;
  };
  // A heap whose root is the worst index kept, so a new candidate only has to beat the root.
  const heap = new Int32Array(size);
  let filled = 0;
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      let worst = i;
      for (const child of [2 * i + 1, 2 * i + 2]) {
        if (child < filled && better(heap[worst]!, heap[child]!)) {
          worst = child;
        }
      }
      if (worst === i) {
        return;
      }
      [heap[i], heap[worst]] = [heap[worst]!, heap[i]!];
      i = worst;
    }
  };
  for (let index = 0; index < scores.length && size > 0; index++) {
    if (filled < size) {
      let i = filled++;
      heap[i] = index;
      while (i > 0 && better(heap[(i - 1) >> 1]!, heap[i]!)) {
        const parent = (i - 1) >> 1;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (better(index, heap[0]!)) {
      heap[0] = index;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : 1));
}

/**
 * The same set as `topK(scores, k)` without a secondary score (ties at the k-th score go to the lower indices),
 * in index order, for callers that only count membership: the per-instance marks of important weights, where
 * the heap's O(n log k) with k = 1% of 260,000 weight pairs took 2 of the network stage's 6 non-conductance
 * seconds. Expected O(n): a quickselect for the k-th highest score on `scratch` (a copy; pass one of at least
 * scores.length to reuse it), then one scan.
 */
export function topKUnordered(scores: ArrayLike<number>, k: number, scratch = new Float64Array(scores.length)): Int32Array {
  const n = scores.length;
  const size = Math.max(0, Math.min(k, n));
  if (size === 0) {
    return new Int32Array(0);
  }
  const work = scratch.subarray(0, n);
  for (let i = 0; i < n; i++) {
    work[i] = scores[i]!;
  }
  const threshold = kthSmallest(work, n - size);
  let above = 0;
  for (let i = 0; i < n; i++) {
    if (scores[i]! > threshold) {
      above++;
    }
  }
  const result = new Int32Array(size);
  let ties = size - above;
  let filled = 0;
  for (let i = 0; i < n && filled < size; i++) {
    const s = scores[i]!;
    if (s > threshold || (s === threshold && ties-- > 0)) {
      result[filled++] = i;
    }
  }
  return result;
}

/** The value of rank `rank` (0-based, ascending) of `values`, which it reorders (Hoare partitions, middle pivot). */
function kthSmallest(values: Float64Array, rank: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) {
        i++;
      }
      while (values[j]! > pivot) {
        j--;
      }
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    if (rank <= j) {
      hi = j;
    } else if (rank >= i) {
      lo = i;
    } else {
      return values[rank]!;
    }
  }
  return values[rank]!;
}
