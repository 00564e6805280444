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
