// Decoding one image file with sharp (libvips) into the 8-bit RGB square the readers crop from:
// greyscale, CMYK, 16-bit and alpha images are converted here, broken files throw.
import sharp from 'sharp';

/** Colour-format facts of a file that loading converts, for the run's data report. */
export interface ImageFormatFacts {
  greyscale: boolean;
  cmyk: boolean;
  sixteenBit: boolean;
  alpha: boolean;
}

/**
 * Side of the square an image is resized to before the `size` crop: the usual 256 -> 224/227 ratio
 * (Krizhevsky et al. 2012), so centre crops drop the same border at every input size.
 */
export function decodeSide(size: number): number {
  return Math.round((size * 256) / 227);
}

/**
 * The file as `side x side` 8-bit sRGB (`side * side * 3` bytes, row-major RGB): EXIF-rotated, shorter
 * side scaled to `side`, longer side centre-cropped, transparency flattened onto white.
 * Rejects on a truncated, corrupt or non-image file with sharp's error.
 */
export async function decodeSquare(file: string, side: number): Promise<Uint8Array> {
  // failOn 'truncated' rejects cut-off files but tolerates the harmless warnings camera JPEGs carry.
  const { data } = await sharp(file, { failOn: 'truncated' })
    .rotate()
    .flatten({ background: '#ffffff' })
    .resize(side, side, { fit: 'cover', position: 'centre' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Reads the header only: what `decodeSquare` will convert. Rejects on a non-image file. */
export async function inspectImage(file: string): Promise<ImageFormatFacts> {
  const m = await sharp(file).metadata();
  return {
    greyscale: m.space === 'b-w' || m.space === 'grey16' || m.channels <= 2,
    cmyk: m.space === 'cmyk',
    sixteenBit: m.depth === 'ushort' || m.space === 'rgb16' || m.space === 'grey16',
    alpha: m.hasAlpha === true,
  };
}

/** sharp's message cut to its first line (libvips repeats itself over several). */
export function decodeErrorDetail(err: unknown): string {
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
  // libvips keeps its error text per thread; with several decodes in flight it sometimes loses it.
  return message === '' || /^unknown error$/i.test(message) ? 'the decoder gave no reason (truncated or corrupt data)' : message;
}

/** True when sharp's error means the bytes are no image format it knows (rather than a damaged one). */
export function isUnsupportedFormat(err: unknown): boolean {
  return /unsupported image format/i.test(decodeErrorDetail(err));
}
