// Packs the points of many instances' integration paths into passes of bounded size, and runs plain
// batched inference; shared by the conductance computation and its benchmark.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { runGraph } from './layer-graph.ts';

/** Points `from..to` (inclusive) of one instance's path, evaluated together in one pass. */
export interface PathSegment {
  instance: number;
  from: number;
  to: number;
}

/**
 * Cuts `count` paths of `points` points into passes of at most `batchSize` points (>= 2), in instance
 * order. A path split between passes repeats its cut point in both, because conductance pairs each point
 * with the next one; so every segment has at least two points and the sum over segments is unchanged.
 */
export function planPathChunks(count: number, points: number, batchSize: number): PathSegment[][] {
  const chunks: PathSegment[][] = [];
  let current: PathSegment[] = [];
  let free = batchSize;
  for (let instance = 0; instance < count; instance++) {
    for (let from = 0; from < points - 1;) {
      if (free < 2) {
        chunks.push(current);
        current = [];
        free = batchSize;
      }
      const to = Math.min(points - 1, from + free - 1);
      current.push({ instance, from, to });
      free -= to - from + 1;
      from = to;
    }
  }
  if (current.length > 0) {
    chunks.push(current);
  }
  return chunks;
}

/** The model's outputs (count x classes, row-major) for `images` in inference mode, `batchSize` images per pass. */
export async function forwardLogits(model: tfl.LayersModel, images: Float32Array, shape: number[], batchSize: number): Promise<Float32Array> {
  const pixels = shape.reduce((a, b) => a * b, 1);
  const count = images.length / pixels;
  const classes = (model.outputs[0]?.shape[1] ?? 0) as number;
  const out = new Float32Array(count * classes);
  for (let from = 0; from < count; from += batchSize) {
    const n = Math.min(batchSize, count - from);
    const logits = tf.tidy(() => runGraph(model, tf.tensor(images.subarray(from * pixels, (from + n) * pixels), [n, ...shape])));
    out.set(await logits.data(), from * classes);
    logits.dispose();
  }
  return out;
}
