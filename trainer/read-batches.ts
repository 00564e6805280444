// Batches of a reader in a given order, decoding the next batch while the caller works on this one:
// sharp decodes on libuv threads, so image-folder decoding overlaps the (single-threaded) WASM step.
import type { ImageReader } from '../datasets/image-reader.ts';
import type { SeededRandom } from '../lib/random/index.ts';

export interface ReadBatch {
  /** NHWC floats of rows `order[from..to)`. */
  pixels: Float32Array;
  from: number;
  to: number;
}

/** Yields `order` in batches of `batchSize`, one batch read ahead; `augment` as `ImageReader.read`. */
export async function* readBatches(reader: ImageReader, order: Int32Array, batchSize: number, augment?: SeededRandom): AsyncGenerator<ReadBatch> {
  const read = (from: number) => {
    const pending = reader.read(order.subarray(from, Math.min(order.length, from + batchSize)), augment);
    // A caller that stops early (Ctrl-C) leaves the read-ahead unawaited; its failure must not crash the process.
    pending.catch(() => undefined);
    return pending;
  };
  let pending = order.length > 0 ? read(0) : null;
  for (let from = 0; from < order.length; from += batchSize) {
    // WASM kernels resolve through microtasks only; without a macrotask turn per batch, timers (the run's
    // heartbeat) and signal events (Ctrl-C) would wait for a whole epoch's training or evaluation.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const pixels = await pending!;
    pending = from + batchSize < order.length ? read(from + batchSize) : null;
    yield { pixels, from, to: Math.min(order.length, from + batchSize) };
  }
}
