// DVI's quality measures of a projection (§5.2): how many of each instance's 15 nearest neighbours, and of its 15
// nearest boundary points, survive on screen; whether decoding keeps the prediction; and whether points move on
// screen as much as their neighbourhoods change between checkpoints.
import { meanOf, nearestNeighbours, neighbourPreservation, rowCount } from '../neighbours/index.ts';
import type { Classify } from './boundary-points.ts';
import { topClass } from './class-scores.ts';

/** Neighbour preservation at k (DVI reports it out of k): the mean share of high-d neighbours kept on screen. */
export { neighbourPreservation };

/** Indices of the k rows of `targets` (m x d) nearest to each row of `queries` (n x d), by brute force. */
function crossNeighbours(queries: Float32Array, targets: Float32Array, d: number, k: number): Int32Array {
  const n = queries.length / d;
  const m = targets.length / d;
  const out = new Int32Array(n * k);
  const distances = new Float64Array(m);
  const order = Int32Array.from({ length: m }, (_, j) => j);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const e = queries[i * d + c]! - targets[j * d + c]!;
        s += e * e;
      }
      distances[j] = s;
    }
    order.sort((a, b) => distances[a]! - distances[b]! || a - b);
    out.set(order.subarray(0, k), i * k);
  }
  return out;
}

/**
 * Per instance, |kNN_high ∩ kNN_low| / k where both neighbour sets are taken among the boundary points: in the
 * representation (`data` n x d against `boundary` m x d) and on screen (`layout` against `boundaryLayout`).
 * k is clipped to m; NaN for no instances or no boundary points.
 */
export function boundaryNeighbourPreservation(
  data: Float32Array,
  d: number,
  layout: Float32Array,
  boundary: Float32Array,
  boundaryLayout: Float32Array,
  k = 15,
): number {
  const n = rowCount(data, d, 'boundaryNeighbourPreservation');
  const m = rowCount(boundary, d, 'boundaryNeighbourPreservation (boundary)');
  if (layout.length !== 2 * n || boundaryLayout.length !== 2 * m) {
    throw new RangeError(
      `boundaryNeighbourPreservation: got layouts of ${layout.length / 2} and ${boundaryLayout.length / 2} points for ${n} instances and ${m} boundary points. Pass the n x 2 and m x 2 layouts of the same rows.`,
    );
  }
  const kk = Math.min(Math.floor(k), m);
  if (n === 0 || kk === 0) {
    return Number.NaN;
  }
  const high = crossNeighbours(data, boundary, d, kk);
  const low = crossNeighbours(layout, boundaryLayout, 2, kk);
  const shares = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const mine = new Set(high.subarray(i * kk, (i + 1) * kk));
    let shared = 0;
    for (const j of low.subarray(i * kk, (i + 1) * kk)) {
      shared += mine.has(j) ? 1 : 0;
    }
    shares[i] = shared / kk;
  }
  return meanOf(shares);
}

/**
 * The share of instances whose reconstruction (`reconstruct(data)`, e.g. decode(encode(x))) gets the same
 * predicted class from `classify` as the instance itself. NaN for no instances.
 */
export async function predictionPreservation(
  data: Float32Array,
  d: number,
  reconstruct: (rows: Float32Array) => Promise<Float32Array>,
  classify: Classify,
): Promise<number> {
  const n = rowCount(data, d, 'predictionPreservation');
  if (n === 0) {
    return Number.NaN;
  }
  const [original, rebuilt] = await Promise.all([classify(data, n), reconstruct(data).then((rows) => classify(rows, n))]);
  const classes = original.length / n;
  let same = 0;
  for (let i = 0; i < n; i++) {
    same += topClass(original, i, classes) === topClass(rebuilt, i, classes) ? 1 : 0;
  }
  return same / n;
}

/** One checkpoint-to-checkpoint transition of the same n instances. */
export interface TemporalChange {
  /** Per instance: the share of its k high-dimensional neighbours that are new, in [0, 1]. */
  neighbourChange: Float32Array;
  /** Per instance: the distance it moved on screen. */
  movement: Float32Array;
}

/** The transition from (previousData, previousLayout) to (data, layout): same instances, same order, same d. */
export function temporalChange(
  previousData: Float32Array,
  data: Float32Array,
  d: number,
  previousLayout: Float32Array,
  layout: Float32Array,
  k = 15,
): TemporalChange {
  const n = rowCount(data, d, 'temporalChange');
  if (previousData.length !== data.length || previousLayout.length !== 2 * n || layout.length !== 2 * n) {
    throw new RangeError(
      `temporalChange: got ${previousData.length / d} and ${n} rows with layouts of ${previousLayout.length / 2} and ${layout.length / 2} points. Pass both checkpoints' rows and layouts of the same instances.`,
    );
  }
  const before = nearestNeighbours(previousData, d, k);
  const after = nearestNeighbours(data, d, k);
  const kk = after.k;
  const neighbourChange = new Float32Array(n);
  const movement = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const old = new Set(before.indices.subarray(i * kk, (i + 1) * kk));
    let kept = 0;
    for (const j of after.indices.subarray(i * kk, (i + 1) * kk)) {
      kept += old.has(j) ? 1 : 0;
    }
    neighbourChange[i] = kk > 0 ? 1 - kept / kk : 0;
    movement[i] = Math.hypot(layout[2 * i]! - previousLayout[2 * i]!, layout[2 * i + 1]! - previousLayout[2 * i + 1]!);
  }
  return { neighbourChange, movement };
}

/** Pearson correlation of two equal-length series; NaN when either is constant or they have under two values. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]! / n;
    my += y[i]! / n;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return n > 1 && sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/**
 * Temporal correlation: with two or more transitions, DVI's definition, the mean over instances of the Pearson
 * correlation between an instance's neighbour change and its movement across the transitions (an instance
 * whose series is constant counts 0, as DVI does); with one transition (one checkpoint against its predecessor)
 * the correlation across instances. Positive when points move on screen where their neighbourhoods changed.
 */
export function temporalCorrelation(transitions: readonly TemporalChange[]): number {
  if (transitions.length === 0) {
    return Number.NaN;
  }
  if (transitions.length === 1) {
    return pearson(transitions[0]!.neighbourChange, transitions[0]!.movement);
  }
  const n = transitions[0]!.movement.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = pearson(
      transitions.map((t) => t.neighbourChange[i]!),
      transitions.map((t) => t.movement[i]!),
    );
    sum += Number.isNaN(r) ? 0 : r;
  }
  return n > 0 ? sum / n : Number.NaN;
}
