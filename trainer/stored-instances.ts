// The validation instances a run stores (labels for all, 8-bit pixels at the model's input size), which
// the confusion table and the network abstraction read back.
import type { StoredInstances } from '../store/schema/tables.ts';
import type { ValidationSplit } from '../core/protocol.ts';
import type { ImageReader } from '../datasets/image-reader.ts';
import { predictBatchSize } from './evaluate.ts';
import { readBatches } from './read-batches.ts';

/**
 * Rows of each class that keep their pixels in large-image runs. The network abstraction attributes
 * the first 20 per class (network-abstraction.ts), so 30 covers it; a 227x227 image is 151 KB, and
 * storing every validation image would make a big domain's run mostly pixels (docs/decisions.md).
 */
export const PIXELS_PER_CLASS = 30;
/** Images up to this many pixels (64x64) are always stored whole, as the digit runs always were. */
const SMALL_IMAGE = 64 * 64;

/** Labels of every row, pixels of every row of small images or of the first `PIXELS_PER_CLASS` per class. */
export async function storedInstances(split: ValidationSplit, reader: ImageReader): Promise<StoredInstances> {
  const perClass = new Array<number>(reader.classNames.length).fill(0);
  const keep: number[] = [];
  reader.labels.forEach((label, row) => {
    if (reader.height * reader.width <= SMALL_IMAGE || perClass[label]! < PIXELS_PER_CLASS) {
      keep.push(row);
      perClass[label] = perClass[label]! + 1;
    }
  });
  const size = reader.height * reader.width * 3;
  const pixels = new Uint8Array(keep.length * size);
  const order = Int32Array.from(keep);
  for await (const batch of readBatches(reader, order, predictBatchSize(reader))) {
    for (let i = 0; i < batch.pixels.length; i++) {
      pixels[batch.from * size + i] = Math.round(Math.min(1, Math.max(0, batch.pixels[i]!)) * 255);
    }
  }
  return {
    split,
    labels: Int32Array.from(reader.labels),
    height: reader.height,
    width: reader.width,
    pixels,
    ...(keep.length < reader.count ? { pixelRows: order } : {}),
  };
}
