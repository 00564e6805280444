// The one in-memory image format every domain produces and the trainer consumes: plain typed arrays,
// NHWC RGB in [0, 1], so no tensor ever crosses the datasets/ → trainer/ boundary.

/** A labelled batch of same-sized RGB images. */
export interface ImageSet {
  /** `count * height * width * 3` floats, RGB in [0, 1], NHWC row-major (x fastest, then y, then image). */
  images: Float32Array;
  /** `count` class indices into `classNames`. */
  labels: Int32Array;
  count: number;
  height: number;
  width: number;
  /** Label `i` means `classNames[i]`. */
  classNames: string[];
}

/** One domain cut into the paper's training and validation parts (85% / 15%). */
export interface DomainSplit {
  train: ImageSet;
  validation: ImageSet;
}

/** Floats per image: `height * width * 3`. */
export function imageLength(set: Pick<ImageSet, 'height' | 'width'>): number {
  return set.height * set.width * 3;
}

/** A zero-filled set of `count` images, ready to be painted into. */
export function allocateImageSet(count: number, height: number, width: number, classNames: string[]): ImageSet {
  return {
    images: new Float32Array(count * height * width * 3),
    labels: new Int32Array(count),
    count,
    height,
    width,
    classNames: [...classNames],
  };
}

/**
 * The images at `indices`, in that order, copied into a new set (indices may repeat).
 * Throws a RangeError on an index outside `[0, set.count)`; an empty list gives an empty set.
 */
export function subset(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const length = imageLength(set);
  const out = allocateImageSet(indices.length, set.height, set.width, set.classNames);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i]!;
    if (!Number.isInteger(from) || from < 0 || from >= set.count) {
      throw new RangeError(`subset got index ${from} at position ${i}, but the set has ${set.count} images.`);
    }
    out.images.set(set.images.subarray(from * length, (from + 1) * length), i * length);
    out.labels[i] = set.labels[from]!;
  }
  return out;
}

/** How many images carry each label: an array of length `classNames.length`. */
export function classCounts(set: Pick<ImageSet, 'labels' | 'classNames'>): number[] {
  const counts = new Array<number>(set.classNames.length).fill(0);
  for (const label of set.labels) {
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

/** Indices of the images of each class, in set order: `result[label]` lists that class's images. */
export function indicesByClass(set: Pick<ImageSet, 'labels' | 'classNames'>): number[][] {
  const byClass = set.classNames.map((): number[] => []);
  set.labels.forEach((label, index) => byClass[label]?.push(index));
  return byClass;
}

/** A view (no copy) of one image's `height * width * 3` floats. */
export function imageAt(set: ImageSet, index: number): Float32Array {
  const length = imageLength(set);
  return set.images.subarray(index * length, (index + 1) * length);
}
