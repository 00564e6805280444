// An IDX image + label file pair as a domain (MNIST, or SVHN/USPS converted to IDX), held in memory as
// 8-bit pixels and resampled to the model's input when loaded: the paper's second case study uses
// 1,500 source and 150 target images per class, a few hundred MB at most.
import { TransferscopeError } from '../core/errors.ts';
import { axisTaps, type AxisTaps } from './grey-resample.ts';
import { allocateImageSet, imageAt, type ImageSet } from './image-set.ts';
import { readIdxFile } from './idx-file.ts';
import { SeededRandom } from '../lib/random/index.ts';

export interface IdxDomainOptions {
  images: string;
  labels: string;
  /** Model input side. */
  size: number;
  /** Keep at most this many images per class, chosen by `seed`; all when absent. */
  perClass?: number;
  seed: number;
}

/** Resamples one `h x w x channels` byte image (1 or 3 channels) through per-axis taps into RGB floats. */
function resampleToRgb(src: Uint8Array, w: number, channels: number, ty: AxisTaps, tx: AxisTaps, out: Float32Array): void {
  const side = ty.index.length / ty.taps;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      for (let c = 0; c < 3; c++) {
        const ch = channels === 1 ? 0 : c;
        let v = 0;
        for (let a = 0; a < ty.taps; a++) {
          const sy = ty.index[y * ty.taps + a]!;
          for (let b = 0; sy >= 0 && b < tx.taps; b++) {
            const sx = tx.index[x * tx.taps + b]!;
            if (sx >= 0) {
              v += ty.weight[y * ty.taps + a]! * tx.weight[x * tx.taps + b]! * src[(sy * w + sx) * channels + ch]!;
            }
          }
        }
        out[(y * side + x) * 3 + c] = Math.min(1, Math.max(0, v / 255));
      }
    }
  }
}

/**
 * Loads the pair as a set of `size x size` RGB images in [0, 1]. Images are `[n, h, w]` or
 * `[n, h, w, 1|3]`; labels `[n]`. Class names are the label values as text ('0'..'9' for digits).
 * 28x28 images sit in a 32x32 canvas first, as LeNet and the embedded MNIST domain do.
 */
export function loadIdxDomain(options: IdxDomainOptions): ImageSet {
  const images = readIdxFile(options.images);
  const labels = readIdxFile(options.labels);
  const [n = 0, h = 0, w = 0, channels = 1] = images.shape;
  if (images.shape.length < 3 || images.shape.length > 4 || (channels !== 1 && channels !== 3)) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `IDX images '${options.images}' have shape ${images.shape.join('x')}; expected count x height x width (x 1 or 3 channels).`,
    );
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== n) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `IDX labels '${options.labels}' have shape ${labels.shape.join('x')} but the images file holds ${n} images; pass the matching labels file.`,
    );
  }
  const values = [...new Set(labels.data)].sort((a, b) => a - b);
  const classOf = new Map(values.map((v, i) => [v, i]));
  const random = new SeededRandom(options.seed);
  const byClass = values.map((): number[] => []);
  labels.data.forEach((v, row) => byClass[classOf.get(v)!]!.push(row));
  const picked = random.shuffle(
    byClass.flatMap((rows) => (options.perClass !== undefined && rows.length > options.perClass ? random.shuffle(rows).slice(0, options.perClass) : rows)),
  );
  const canvas = (side: number) => (side === 28 ? 32 : side);
  const ty = axisTaps(h, canvas(h), options.size);
  const tx = axisTaps(w, canvas(w), options.size);
  const set = allocateImageSet(picked.length, options.size, options.size, values.map(String));
  const length = h * w * channels;
  picked.forEach((row, i) => {
    set.labels[i] = classOf.get(labels.data[row]!)!;
    resampleToRgb(images.data.subarray(row * length, (row + 1) * length), w, channels, ty, tx, imageAt(set, i));
  });
  return set;
}
