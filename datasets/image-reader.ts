// The trainer's view of a domain: labels known up front, pixels read batch by batch, so a domain
// larger than memory (an image folder decoded on demand) trains like the in-memory digit sets.
import type { ImageSet } from './image-set.ts';
import type { SeededRandom } from '../lib/random/index.ts';
import { shiftInto } from './augment.ts';

/** A labelled collection of same-sized RGB images that hands out batches. */
export interface ImageReader {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** Label `i` means `classNames[i]`. */
  readonly classNames: string[];
  /** `count` class indices. */
  readonly labels: Int32Array;
  /**
   * The images at `rows` (indices in `[0, count)`), in that order, as NHWC RGB floats in [0, 1]:
   * `rows.length * height * width * 3` values. With `augment`, each image gets a random crop (and
   * flip, where the reader allows it) drawn from it before any await, so a seed fixes the batch.
   */
  read(rows: ArrayLike<number>, augment?: SeededRandom): Promise<Float32Array>;
}

/** One domain cut into training and validation readers. */
export interface ReaderSplit {
  train: ImageReader;
  validation: ImageReader;
}

export interface MemoryReaderOptions {
  /** Largest random shift in pixels when augmenting (zero padding); default 2. */
  maxShift?: number;
  /** Whether augmentation may mirror images; off for digits, whose mirror image is another glyph. */
  flip?: boolean;
}

/** A reader over an in-memory set (the embedded digits, IDX files). */
export function memoryReader(set: ImageSet, options: MemoryReaderOptions = {}): ImageReader {
  const length = set.height * set.width * 3;
  const maxShift = options.maxShift ?? 2;
  const flip = options.flip ?? false;
  return {
    count: set.count,
    height: set.height,
    width: set.width,
    classNames: set.classNames,
    labels: set.labels,
    read(rows, augment) {
      const out = new Float32Array(rows.length * length);
      for (let i = 0; i < rows.length; i++) {
        const image = set.images.subarray(rows[i]! * length, (rows[i]! + 1) * length);
        if (augment) {
          const dx = augment.int(2 * maxShift + 1) - maxShift;
          const dy = augment.int(2 * maxShift + 1) - maxShift;
          shiftInto(out, i * length, image, set.height, set.width, dx, dy, flip && augment.chance(0.5));
        } else {
          out.set(image, i * length);
        }
      }
      return Promise.resolve(out);
    },
  };
}

/** The rows `rows` of `reader` as a reader of their own (no pixels are copied). */
export function rowsReader(reader: ImageReader, rows: ArrayLike<number>, classNames = reader.classNames, relabel?: (label: number) => number): ImageReader {
  const map = Int32Array.from(rows);
  const labels = Int32Array.from(map, (r) => (relabel ? relabel(reader.labels[r]!) : reader.labels[r]!));
  return {
    count: map.length,
    height: reader.height,
    width: reader.width,
    classNames,
    labels,
    read: (subset, augment) =>
      reader.read(
        Array.from(subset, (i) => map[i]!),
        augment,
      ),
  };
}

/** Every image of `reader` in one array; only for small readers (tests, stored instances). */
export function readAll(reader: ImageReader): Promise<Float32Array> {
  return reader.read(Int32Array.from({ length: reader.count }, (_, i) => i));
}
