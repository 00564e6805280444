// Paper §5.3.1: a neuron's importance for one instance is its rank among the layer's conductances,
// so instances with large and small attributions weigh the same when ranks are summed.
import { TransferscopeError } from '../core/errors.ts';

/**
 * 1-based ranks in ascending order of `values` (the smallest gets 1, the largest n); ties share their
 * average rank, so equal conductances don't reorder neurons. Empty input gives an empty array; NaN throws.
 */
export function rankAscending(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(values[i])) {
      throw new TransferscopeError('INVALID_ARGUMENT', `rankAscending got NaN at index ${i}. Rank finite attributions only.`);
    }
  }
  order.sort((a, b) => values[a]! - values[b]! || a - b);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) {
      end++;
    }
    // Positions start..end-1 hold equal values: 1-based ranks start+1..end, whose mean is (start + end + 1) / 2.
    const shared = (start + end + 1) / 2;
    for (let p = start; p < end; p++) {
      ranks[order[p]!] = shared;
    }
    start = end;
  }
  return ranks;
}
